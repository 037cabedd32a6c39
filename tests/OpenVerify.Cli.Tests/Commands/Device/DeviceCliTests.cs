using System.Text.Json;


namespace OpenVerify.Cli.Tests.Commands.Device;

/// <summary><c>openverify device …</c> run as processes against the real server, checked by their output.</summary>
[Collection(ServerCollection.Name)]
public sealed class DeviceCliTests(ServerFixture fixture)
{
    private string ServerUrl => fixture.Server.BaseUrl.AbsoluteUri;

    [Fact]
    public async Task Totp_add_keeps_the_key_uri_and_code_prints_a_code_the_server_accepts()
    {
        using var home = new TempDirectory("openverify-e2e-cli");
        var cli = new DeviceCli(home.Path);
        var service = await fixture.Backend.CreateServiceAsync("Cli Totp");
        var identity = VerifyBackend.NewIdentity();
        var (factorSid, uri) = await fixture.Backend.CreateTotpFactorAsync(service, identity, "alice");

        Assert.Equal(1, (await cli.RunAsync("totp", "code", "--json")).ExitCode);
        var added = (await cli.RunAsync("totp", "add", "--uri", uri, "--json")).Json();
        Assert.Equal(("Cli Totp:alice", "sha1", 6), (added.GetProperty("name").GetString(), added.GetProperty("algorithm").GetString(), added.GetProperty("digits").GetInt32()));
        var code = (await cli.RunAsync("totp", "code", "--json")).Json();
        Assert.Matches("^[0-9]{6}$", code.GetProperty("code").GetString());
        Assert.InRange(code.GetProperty("seconds_left").GetInt32(), 1, 30);
        Assert.Equal("verified", await fixture.Backend.VerifyFactorAsync(service, identity, factorSid, code.GetProperty("code").GetString()!));
        Assert.Equal(1, (await cli.RunAsync("totp", "add", "--uri", "otpauth://totp/x?issuer=no-secret", "--json")).ExitCode);
    }

    [Fact]
    public async Task Enroll_then_challenges_approve_and_show_report_the_same_challenge_in_JSON()
    {
        using var home = new TempDirectory("openverify-e2e-cli");
        var cli = new DeviceCli(home.Path);
        var service = await fixture.Backend.CreateServiceAsync();
        var identity = VerifyBackend.NewIdentity();
        var token = await fixture.Backend.CreateAccessTokenAsync(service, identity);

        var factor = (await cli.RunAsync("enroll", "--server", ServerUrl, "--service", service, "--identity", identity, "--token", token, "--json")).Json();
        var factorSid = factor.GetProperty("sid").GetString()!;
        Assert.Equal("verified", factor.GetProperty("status").GetString());
        Assert.Equal(identity, factor.GetProperty("identity").GetString());
        Assert.Equal(service, factor.GetProperty("service_sid").GetString());
        Assert.Equal("verified", await fixture.Backend.FactorStatusAsync(service, identity, factorSid));

        var challengeSid = await fixture.Backend.CreateChallengeAsync(service, identity, factorSid, "Log in from the CLI?", "tx-cli");
        var pending = (await cli.RunAsync("challenges", "--status", "pending", "--json")).Json();
        var listed = Assert.Single(pending.EnumerateArray());
        Assert.Equal(challengeSid, listed.GetProperty("sid").GetString());
        Assert.Equal("pending", listed.GetProperty("status").GetString());
        Assert.Equal("Log in from the CLI?", listed.GetProperty("details").GetProperty("message").GetString());

        var approved = (await cli.RunAsync("approve", challengeSid, "--json")).Json();
        Assert.Equal("approved", approved.GetProperty("status").GetString());

        var shown = (await cli.RunAsync("show", challengeSid, "--json")).Json();
        Assert.Equal(challengeSid, shown.GetProperty("sid").GetString());
        Assert.Equal(factorSid, shown.GetProperty("factor_sid").GetString());
        Assert.Equal("approved", shown.GetProperty("status").GetString());
        Assert.Equal("tx-cli", shown.GetProperty("hidden_details").GetProperty("transaction_id").GetString());
        var field = Assert.Single(shown.GetProperty("details").GetProperty("fields").EnumerateArray());
        Assert.Equal("IP", field.GetProperty("label").GetString());
        Assert.Equal("approved", await fixture.Backend.ChallengeStatusAsync(service, identity, challengeSid));

        // For people: a table with the same facts.
        var table = (await cli.RunAsync("challenges")).Succeeded().StandardOutput;
        Assert.Contains(challengeSid, table, StringComparison.Ordinal);
        Assert.Contains("approved", table, StringComparison.Ordinal);
        Assert.Empty((await cli.RunAsync("challenges", "--status", "pending", "--json")).Json().EnumerateArray());

        // A second answer is refused, with the SDK's input error code in the JSON error.
        var again = await cli.RunAsync("deny", challengeSid, "--json");
        Assert.Equal(1, again.ExitCode);
        Assert.Equal(60404, JsonDocument.Parse(again.StandardOutput).RootElement.GetProperty("error").GetProperty("code").GetInt32());

        // reset forgets the device's factors; the server keeps them (as the SDK's clearLocalStorage).
        Assert.Equal(1, (await cli.RunAsync("reset", "--yes", "--json")).Json().GetProperty("forgotten").GetInt32());
        Assert.Empty((await cli.RunAsync("factors", "--json")).Json().EnumerateArray());
        Assert.Equal("verified", await fixture.Backend.FactorStatusAsync(service, identity, factorSid));
    }

    [Fact]
    public async Task Enroll_through_an_app_backend_then_watch_denies_and_delete_removes_the_factor()
    {
        using var home = new TempDirectory("openverify-e2e-cli");
        var cli = new DeviceCli(home.Path);
        var service = await fixture.Backend.CreateServiceAsync();
        var identity = VerifyBackend.NewIdentity();
        await using var appBackend = await SampleAppBackend.StartAsync(fixture.Backend, service, identity, session: "alice-session");

        var refused = await cli.RunAsync("enroll", "--server", ServerUrl, "--backend", appBackend.Endpoint.AbsoluteUri);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("401", refused.StandardError, StringComparison.Ordinal);

        var factor = (await cli.RunAsync("enroll", "--server", ServerUrl, "--backend", appBackend.Endpoint.AbsoluteUri,
            "--backend-header", "Cookie: session=alice-session", "--name", "Alice's laptop", "--json")).Json();
        var factorSid = factor.GetProperty("sid").GetString()!;
        Assert.Equal("verified", factor.GetProperty("status").GetString());
        Assert.Equal(identity, factor.GetProperty("identity").GetString());
        Assert.Equal("Alice's laptop", factor.GetProperty("friendly_name").GetString());

        var challengeSid = await fixture.Backend.CreateChallengeAsync(service, identity, factorSid, "Wire 500 EUR?");
        var watched = await cli.RunAsync("watch", "--auto", "deny", "--count", "1", "--interval", "0.2", "--timeout", "30", "--json");
        var line = JsonDocument.Parse(watched.Succeeded().StandardOutput.Trim()).RootElement;
        Assert.Equal(challengeSid, line.GetProperty("sid").GetString());
        Assert.Equal("denied", line.GetProperty("status").GetString());
        Assert.Equal("denied", await fixture.Backend.ChallengeStatusAsync(service, identity, challengeSid));

        var deleted = (await cli.RunAsync("delete", factorSid, "--json")).Json();
        Assert.Equal(factorSid, deleted.GetProperty("deleted").GetString());
        Assert.Null(await fixture.Backend.FactorStatusAsync(service, identity, factorSid));
        Assert.Empty((await cli.RunAsync("factors", "--json")).Json().EnumerateArray());
    }

    [Fact]
    public async Task Challenges_follow_page_tokens_with_the_home_from_the_environment_and_watch_without_a_terminal_needs_auto()
    {
        using var home = new TempDirectory("openverify-e2e-cli");
        var cli = new DeviceCli(home.Path);
        var service = await fixture.Backend.CreateServiceAsync();
        var identity = VerifyBackend.NewIdentity();
        var token = await fixture.Backend.CreateAccessTokenAsync(service, identity);
        var factorSid = (await cli.RunAsync("enroll", "--server", ServerUrl, "--service", service, "--identity", identity, "--token", token, "--json")).Json()
            .GetProperty("sid").GetString()!;
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await fixture.Backend.CreateChallengeAsync(service, identity, factorSid, $"Challenge {i}"));
        }

        // The same device, found through OPENVERIFY_DEVICE_HOME instead of --home; three pages of 2.
        var listed = (await cli.RunWithHomeFromEnvironmentAsync("challenges", "--page-size", "2", "--limit", "0", "--order", "asc", "--json")).Json();
        Assert.Equal(created, listed.EnumerateArray().Select(c => c.GetProperty("sid").GetString()));

        var watched = await cli.RunAsync("watch", "--timeout", "5");

        Assert.Equal(1, watched.ExitCode);
        Assert.Contains("--auto", watched.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_http_to_another_host_is_refused_before_anything_is_sent()
    {
        using var home = new TempDirectory("openverify-e2e-cli");
        var cli = new DeviceCli(home.Path);

        var refused = await cli.RunAsync("enroll", "--server", "http://verify.example.com", "--service", "VA" + new string('0', 32),
            "--identity", "user-00000001", "--token", "YK00.secret", "--json");

        Assert.Equal(1, refused.ExitCode);
        var error = JsonDocument.Parse(refused.StandardOutput).RootElement.GetProperty("error");
        Assert.Contains("--allow-http", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
