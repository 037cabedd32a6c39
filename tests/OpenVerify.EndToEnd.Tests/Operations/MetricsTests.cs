using OpenVerify.TestKit.Webhooks;

namespace OpenVerify.EndToEnd.Tests.Operations;

/// <summary><c>openverify serve --metrics</c>: the Prometheus scrape counts exactly what happened, and names no SID or identity.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task A_scrape_counts_exactly_the_flow_and_labels_no_sid_or_identity()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await ServerProcess.StartAsync(new ServerProcessOptions
        {
            Arguments = ["--metrics"],
            Environment = new Dictionary<string, string> { ["OpenVerify__Webhooks__AllowPrivateNetworks"] = "true" },
        });
        using var http = server.CreateHttpClient();
        var metrics = new Uri(server.BaseUrl, "/metrics");
        var before = await http.GetStringAsync(metrics);
        Assert.Equal(0, OperationsFlow.Value(before, "openverify_challenges_total"));

        var flow = await OperationsFlow.RunAsync(server, receiver.BaseUrl + "/hook");
        await receiver.WaitForAsync(OperationsFlow.WebhookEvents);
        // The counter moves once the delivery is settled, a moment after the receiver answered.
        var scrape = "";
        await Eventually.WaitAsync(async () =>
        {
            scrape = await http.GetStringAsync(metrics);
            // Note: one collection reads the outbox gauges and then the counters, so the scrape in which the
            // sixth delivery is first counted may have read the outbox just before that delivery settled.
            return OperationsFlow.Value(scrape, "openverify_webhook_deliveries_total", "outcome=\"delivered\"") >= OperationsFlow.WebhookEvents
                && OperationsFlow.Value(scrape, "openverify_outbox_depth", "kind=\"webhook\"") == 0;
        }, TimeSpan.FromSeconds(30), "six delivered webhooks and none waiting in /metrics");

        Assert.Equal(OperationsFlow.ChallengesCreated, OperationsFlow.Value(scrape, "openverify_challenges_total", "event=\"created\""));
        Assert.Equal(OperationsFlow.Approved, OperationsFlow.Value(scrape, "openverify_challenges_total", "event=\"approved\""));
        Assert.Equal(OperationsFlow.Denied, OperationsFlow.Value(scrape, "openverify_challenges_total", "event=\"denied\""));
        Assert.Equal(0, OperationsFlow.Value(scrape, "openverify_challenges_total", "event=\"expired\""));
        Assert.Equal(1, OperationsFlow.Value(scrape, "openverify_factors_total", "event=\"created\""));
        Assert.Equal(1, OperationsFlow.Value(scrape, "openverify_factors_total", "event=\"verified\""));
        Assert.Equal(1, OperationsFlow.Value(scrape, "openverify_factors_total", "event=\"deleted\""));
        Assert.Equal(OperationsFlow.ChallengesCreated, OperationsFlow.Value(scrape, "openverify_push_sends_total", "platform=\"fcm\"", "outcome=\"not_configured\""));
        Assert.Equal(OperationsFlow.ChallengesCreated, OperationsFlow.Value(scrape, "openverify_push_sends_total"));
        Assert.Equal(OperationsFlow.WebhookEvents, OperationsFlow.Value(scrape, "openverify_webhook_deliveries_total"));
        // Everything was delivered: nothing is left waiting, and every kind still has its series.
        foreach (var kind in (string[])["push", "event", "webhook"])
        {
            Assert.Matches($"(?m)^openverify_outbox_depth{{[^\n]*kind=\"{kind}\"[^\n]*}} 0$", scrape);
            Assert.Matches($"(?m)^openverify_outbox_oldest_age_seconds{{[^\n]*kind=\"{kind}\"[^\n]*}} 0$", scrape);
        }
        // Request duration by route template (a group's own route ends in "/"), never by the concrete path.
        Assert.Equal(OperationsFlow.ChallengesCreated, OperationsFlow.Value(scrape, "http_server_request_duration_seconds_count",
            "http_request_method=\"POST\"", "http_route=\"/v2/Services/{serviceSid}/Entities/{identity}/Challenges/\""));

        foreach (var named in (string[])[server.AccountSid, flow.ServiceSid, flow.Identity, flow.FactorSid, .. flow.ChallengeSids])
        {
            Assert.DoesNotContain(named, scrape, StringComparison.OrdinalIgnoreCase);
        }

        foreach (var (what, secret) in flow.Secrets)
        {
            Assert.False(scrape.Contains(secret, StringComparison.Ordinal), $"/metrics shows the {what}");
        }
    }
}
