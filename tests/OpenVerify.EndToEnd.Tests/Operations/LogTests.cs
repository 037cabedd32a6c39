using System.Text.Json;
using OpenVerify.TestKit.Webhooks;

namespace OpenVerify.EndToEnd.Tests.Operations;

/// <summary><c>openverify serve --log-format json</c>: structured lines, no warnings in normal operation, no secrets ever.</summary>
public sealed class LogTests
{
    [Fact]
    public async Task Json_logs_of_a_whole_flow_hold_no_secret_and_no_warning()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await ServerProcess.StartAsync(new ServerProcessOptions
        {
            Arguments = ["--log-format", "json"],
            Environment = new Dictionary<string, string>
            {
                ["OpenVerify__Webhooks__AllowPrivateNetworks"] = "true",
                // As talkative as an operator debugging it would make it: every request and outgoing call is logged.
                ["Logging__LogLevel__Default"] = "Information",
                ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
                ["Logging__LogLevel__System.Net.Http"] = "Information",
            },
        });
        var flow = await OperationsFlow.RunAsync(server, receiver.BaseUrl + "/hook");
        var delivered = await receiver.WaitForAsync(OperationsFlow.WebhookEvents);
        Assert.Equal(OperationsFlow.WebhookEvents, delivered.Count);

        var log = server.Output;
        foreach (var (what, secret) in flow.Secrets)
        {
            Assert.False(log.Contains(secret, StringComparison.Ordinal), $"the log shows the {what}");
        }

        var entries = log.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('{')).ToList();
        Assert.Contains(entries, e => e.Contains("Request starting", StringComparison.Ordinal));
        foreach (var line in entries)
        {
            using var entry = JsonDocument.Parse(line);
            var level = entry.RootElement.GetProperty("LogLevel").GetString();
            Assert.True(level is "Information" or "Debug" or "Trace", $"normal operation logged {level}: {line}");
        }

        // Every log line is JSON (the first start's account banner is not a log and is absent with a bootstrap account).
        Assert.All(log.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("--- start", StringComparison.Ordinal)),
            l => Assert.StartsWith("{", l, StringComparison.Ordinal));
    }
}
