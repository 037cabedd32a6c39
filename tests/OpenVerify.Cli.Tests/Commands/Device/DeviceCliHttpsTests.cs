namespace OpenVerify.Cli.Tests.Commands.Device;

/// <summary>The CLI's device over https (a server with a self-signed certificate).</summary>
public sealed class DeviceCliHttpsTests(HttpsServerFixture https) : IClassFixture<HttpsServerFixture>
{
    private readonly ServerProcess server = https.Server;
    private readonly VerifyBackend backend = https.Backend;

    [Fact]
    public async Task The_CLI_device_enrolls_and_approves_over_https_trusting_the_given_certificate()
    {
        using var home = new TempDirectory("openverify-e2e-cli");
        var cli = new DeviceCli(home.Path);
        var service = await backend.CreateServiceAsync();
        var identity = VerifyBackend.NewIdentity();
        var token = await backend.CreateAccessTokenAsync(service, identity);
        Assert.StartsWith("https://", server.BaseUrl.AbsoluteUri, StringComparison.Ordinal);

        var untrusted = await cli.RunAsync("enroll", "--server", server.BaseUrl.AbsoluteUri, "--service", service, "--identity", identity, "--token", token);
        Assert.Equal(1, untrusted.ExitCode);

        var factor = (await cli.RunAsync("enroll", "--server", server.BaseUrl.AbsoluteUri, "--service", service, "--identity", identity, "--token", token,
            "--ca-cert", server.CertificatePemPath!, "--json")).Json();
        var factorSid = factor.GetProperty("sid").GetString()!;
        Assert.Equal("verified", factor.GetProperty("status").GetString());
        Assert.StartsWith("https://", factor.GetProperty("server").GetString(), StringComparison.Ordinal);

        // Later commands remember the certificate with the factor.
        var challengeSid = await backend.CreateChallengeAsync(service, identity, factorSid);
        Assert.Equal("approved", (await cli.RunAsync("approve", challengeSid, "--json")).Json().GetProperty("status").GetString());
        Assert.Equal("approved", await backend.ChallengeStatusAsync(service, identity, challengeSid));
    }
}
