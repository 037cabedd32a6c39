using OpenVerify.Client;
using OpenVerify.EndToEnd.Tests.Client.Infrastructure;

namespace OpenVerify.EndToEnd.Tests.Client;

/// <summary>The SDK over https (a server with a self-signed certificate); the CLI's device: Cli.Tests' DeviceCliHttpsTests.</summary>
public sealed class HttpsTests(HttpsServerFixture https) : IClassFixture<HttpsServerFixture>
{
    private readonly ServerProcess server = https.Server;
    private readonly VerifyBackend backend = https.Backend;

    [Fact]
    public async Task The_SDK_enrols_and_denies_over_https()
    {
        using var home = new TempDirectory("openverify-e2e-device");
        using var client = Device.Client(server, home.Path);
        var service = await backend.CreateServiceAsync();
        var identity = VerifyBackend.NewIdentity();
        var factor = await Device.EnrolAsync(client, backend, service, identity);
        var challengeSid = await backend.CreateChallengeAsync(service, identity, factor.Sid);

        var denied = await client.UpdateChallengeAsync(new UpdatePushChallengePayload(factor.Sid, challengeSid, ChallengeStatus.Denied));

        Assert.Equal(ChallengeStatus.Denied, denied.Status);
        Assert.Equal("denied", await backend.ChallengeStatusAsync(service, identity, challengeSid));
    }
}
