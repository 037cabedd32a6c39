using System.Text.Json;


namespace OpenVerify.Cli.Tests.Commands.Device;

/// <summary>Number matching through <c>openverify device</c> processes against the real server (issue #13).</summary>
[Collection(ServerCollection.Name)]
public sealed class NumberMatchingCliTests(ServerFixture fixture)
{
    [Fact]
    public async Task Approve_with_the_right_number_approves_and_a_second_run_with_a_wrong_number_is_denied()
    {
        using var home = new TempDirectory("openverify-e2e-numbers");
        var cli = new DeviceCli(home.Path);
        var service = await fixture.Backend.CreateNumberMatchingServiceAsync();
        var identity = VerifyBackend.NewIdentity();
        var token = await fixture.Backend.CreateAccessTokenAsync(service, identity);
        var factorSid = (await cli.RunAsync("enroll", "--server", fixture.Server.BaseUrl.AbsoluteUri, "--service", service, "--identity", identity, "--token", token, "--json")).Json()
            .GetProperty("sid").GetString()!;

        // The login screen shows the number; the device offers three, the right one among them.
        var (first, number) = await fixture.Backend.CreateNumberMatchedChallengeAsync(service, identity, factorSid, "Log in with number matching?");
        var shown = (await cli.RunAsync("show", first, "--json")).Json();
        var choices = shown.GetProperty("number_choices").EnumerateArray().Select(c => c.GetInt32()).ToList();
        Assert.Equal(3, choices.Distinct().Count());
        Assert.Contains(number, choices);

        // Without a number the CLI refuses before signing anything; the challenge stays pending.
        var without = await cli.RunAsync("approve", first, "--json");
        Assert.Equal(1, without.ExitCode);
        Assert.Equal(("pending", null), await fixture.Backend.ChallengeOutcomeAsync(service, identity, first));

        var approved = (await cli.RunAsync("approve", first, "--number", number.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json")).Json();
        Assert.Equal("approved", approved.GetProperty("status").GetString());
        Assert.Equal(("approved", null), await fixture.Backend.ChallengeOutcomeAsync(service, identity, first));

        var (second, right) = await fixture.Backend.CreateNumberMatchedChallengeAsync(service, identity, factorSid, "Log in again?");
        var offered = (await cli.RunAsync("show", second, "--json")).Json().GetProperty("number_choices").EnumerateArray().Select(c => c.GetInt32());
        var wrong = offered.First(n => n != right);
        var denied = await cli.RunAsync("approve", second, "--number", wrong.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains("number", JsonDocument.Parse(denied.StandardOutput).RootElement.GetProperty("error").GetProperty("message").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(("denied", "wrong_number"), await fixture.Backend.ChallengeOutcomeAsync(service, identity, second));
    }
}
