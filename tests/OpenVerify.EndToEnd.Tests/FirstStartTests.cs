using System.Diagnostics;
using System.Text.RegularExpressions;
using Twilio.Rest.Verify.V2;
using Xunit.Abstractions;

namespace OpenVerify.EndToEnd.Tests;

/// <summary>
/// <c>openverify serve</c> without OPENVERIFY_ACCOUNT_SID/OPENVERIFY_AUTH_TOKEN: the first start creates
/// an account and prints its SID and auth token once (docs/architecture.md, "Interfaces others depend on").
/// </summary>
public sealed partial class FirstStartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_first_start_prints_a_working_account_once_and_a_restart_keeps_it()
    {
        TwilioHelper.UseInvariantCulture();
        await using var server = await ServerProcess.StartAsync(new ServerProcessOptions { BootstrapAccount = false });
        try
        {
            var printed = await PrintedAccountAsync(server);
            var client = TwilioHelper.Client(server.BaseUrl, printed.Sid, printed.AuthToken);
            var service = await ServiceResource.CreateAsync(friendlyName: "First start", client: client);
            Assert.Equal(printed.Sid, service.AccountSid);

            await server.KillAsync();
            await server.StartAgainAsync();
            var secondStart = server.Output[server.Output.LastIndexOf("--- start #", StringComparison.Ordinal)..];
            Assert.DoesNotContain("Account SID", secondStart, StringComparison.Ordinal);
            Assert.DoesNotContain(printed.AuthToken, secondStart, StringComparison.Ordinal);
            Assert.Equal("First start", (await ServiceResource.FetchAsync(service.Sid, client: client)).FriendlyName);
        }
        catch
        {
            output.WriteLine(server.Output);
            throw;
        }
    }

    /// <summary>The printed lines come before Kestrel listens, but stdout is read asynchronously: wait for them, bounded.</summary>
    private static async Task<(string Sid, string AuthToken)> PrintedAccountAsync(ServerProcess server)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var text = server.Output;
            var sid = AccountSidLine().Match(text);
            var token = AuthTokenLine().Match(text);
            if (sid.Success && token.Success)
            {
                return (sid.Groups[1].Value, token.Groups[1].Value);
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "no account was printed:\n" + text);
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    [GeneratedRegex(@"Account SID:\s+(AC[0-9a-f]{32})\b")]
    private static partial Regex AccountSidLine();

    [GeneratedRegex(@"Auth token:\s+(\S+)")]
    private static partial Regex AuthTokenLine();
}
