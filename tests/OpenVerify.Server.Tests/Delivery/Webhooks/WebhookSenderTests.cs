using System.Text.Json;

namespace OpenVerify.Server.Tests.Delivery.Webhooks;

public sealed class WebhookSenderTests
{
    /// <summary>Two entities, each with a sequence of events, made while the receiver may be down.</summary>
    private static async Task<Dictionary<string, string[]>> MakeEventsAsync(ServerHost host, string service)
    {
        var expected = new Dictionary<string, string[]>();
        foreach (var identity in new[] { "frank-0001", "grace-0001" })
        {
            using var phone = new Phone(host, service, identity);
            await phone.EnrolAsync("Phone of " + identity);
            await phone.VerifyAsync();
            await phone.RespondAsync(await phone.ChallengeAsync("One?"), "approved");
            await phone.RespondAsync(await phone.ChallengeAsync("Two?"), "denied");
            await phone.RespondAsync(await phone.ChallengeAsync("Three?"), "approved");
            await phone.DeleteAsync();
            expected[identity] = ["factor.created", "factor.verified", "challenge.approved", "challenge.denied", "challenge.approved", "factor.deleted"];
        }

        return expected;
    }

    private static void AssertExactlyOnceInOrder(WebhookReceiver receiver, Dictionary<string, string[]> expected)
    {
        var received = receiver.Requests.ToList();
        Assert.Equal(received.Count, received.Select(r => r["uuid"]).Distinct().Count());
        foreach (var (identity, types) in expected)
        {
            Assert.Equal(types, received.Where(r => r["entity_identity"] == identity).Select(r => r["type"]));
        }

        Assert.Equal(expected.Values.Sum(t => t.Length), received.Count);
    }

    [Fact]
    public async Task A_receiver_that_is_down_for_a_while_gets_every_event_once_in_order_per_entity()
    {
        await using var host = await ServerHost.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var port = receiver.Port;
        var service = await Phone.CreateServiceAsync(host);
        var webhook = await Phone.CreateWebhookAsync(host, service, receiver.BaseUrl + "/hook", "*");
        await receiver.StopAsync();

        var expected = await MakeEventsAsync(host, service);
        await host.RunForAsync(TimeSpan.FromMinutes(20), TimeSpan.FromSeconds(30));
        Assert.Empty(receiver.Requests);

        await receiver.StartAsync(port);
        await host.RunForAsync(TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(30));

        AssertExactlyOnceInOrder(receiver, expected);
        var list = await host.GetAsync($"/v2/Services/{service}/Webhooks/{webhook.GetProperty("sid").GetString()}/Deliveries?PageSize=100");
        var deliveries = list.GetProperty("deliveries").EnumerateArray().ToList();
        Assert.Equal(12, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal("delivered", d.GetProperty("state").GetString()));
        // The first of each entity waited through several failed attempts.
        Assert.Contains(deliveries, d => d.GetProperty("attempts").GetInt32() > 3);
        Assert.Equal("deliveries", list.GetProperty("meta").GetProperty("key").GetString());
    }

    [Fact]
    public async Task A_server_restarted_mid_retry_delivers_everything_after_restart()
    {
        var storage = await TestApiStorage.CreateAsync();
        var first = await ServerHost.StartAsync(storage);
        await using var receiver = await WebhookReceiver.StartAsync();
        var port = receiver.Port;
        var service = await Phone.CreateServiceAsync(first);
        var webhook = await Phone.CreateWebhookAsync(first, service, receiver.BaseUrl + "/hook", "*");
        await receiver.StopAsync();
        var expected = await MakeEventsAsync(first, service);
        await first.RunForAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30));
        var deliveriesUrl = $"/v2/Services/{service}/Webhooks/{webhook.GetProperty("sid").GetString()}/Deliveries?PageSize=100";
        var midRetry = (await first.GetAsync(deliveriesUrl)).GetProperty("deliveries").EnumerateArray().ToList();
        Assert.Equal(12, midRetry.Count);
        Assert.All(midRetry, d => Assert.Equal("pending", d.GetProperty("state").GetString()));
        // The first delivery of each entity is being retried; the rest wait behind it.
        Assert.Equal(2, midRetry.Count(d => d.GetProperty("attempts").GetInt32() > 1));
        Assert.StartsWith("connection failed", midRetry[0].GetProperty("last_error").GetString());
        var (clock, account) = (first.Clock, first.Account);
        await first.DisposeAsync();
        Assert.Empty(receiver.Requests);

        var second = await ServerHost.StartAsync(storage, clock, account);
        await receiver.StartAsync(port);
        await second.RunForAsync(TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(30));

        AssertExactlyOnceInOrder(receiver, expected);
        Assert.All(receiver.Requests, r => Assert.True(Signatures.TwilioAccepts(r, account.AuthToken)));
        await second.DisposeAsync();
        storage.Delete();
    }

    [Fact]
    public async Task A_delivery_failing_past_RetryFor_is_dead_and_replay_delivers_it_with_the_same_uuid()
    {
        await using var host = await ServerHost.StartAsync(retryFor: TimeSpan.FromHours(1));
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = 503;
        var service = await Phone.CreateServiceAsync(host);
        var webhook = await Phone.CreateWebhookAsync(host, service, receiver.BaseUrl + "/hook", "factor.created");
        var deliveriesUrl = $"/v2/Services/{service}/Webhooks/{webhook.GetProperty("sid").GetString()}/Deliveries";
        using var phone = new Phone(host, service, "heidi-0001");
        await phone.EnrolAsync("Phone");

        await host.RunForAsync(TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(1));
        var pending = Assert.Single((await host.GetAsync(deliveriesUrl)).GetProperty("deliveries").EnumerateArray());
        Assert.Equal("pending", pending.GetProperty("state").GetString());
        Assert.Equal("HTTP 503 Service Unavailable", pending.GetProperty("last_error").GetString());
        Assert.NotEqual(JsonValueKind.Null, pending.GetProperty("next_attempt_date").ValueKind);

        await host.RunForAsync(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(1));
        var dead = Assert.Single((await host.GetAsync(deliveriesUrl + "?State=dead")).GetProperty("deliveries").EnumerateArray());
        Assert.StartsWith("gave up after", dead.GetProperty("last_error").GetString());
        var attempts = receiver.Requests.Count;
        Assert.True(attempts > 5, $"{attempts} attempts");
        Assert.Single(receiver.Requests.Select(r => r["uuid"]).Distinct());
        // 5xx is not retried at once by default (rp=ct): one request per attempt.
        Assert.Equal(dead.GetProperty("attempts").GetInt32(), attempts);

        receiver.Status = 204;
        var id = dead.GetProperty("id").GetInt64();
        var replayed = await host.PostAsync($"{deliveriesUrl}/{id}/Replay");
        Assert.Equal("pending", replayed.GetProperty("state").GetString());
        await host.DeliverDueAsync();
        var delivered = await host.GetAsync($"{deliveriesUrl}/{id}");
        Assert.Equal("delivered", delivered.GetProperty("state").GetString());
        Assert.Equal(attempts + 1, receiver.Requests.Count);
        Assert.Single(receiver.Requests.Select(r => r["uuid"]).Distinct());
        Assert.Equal(delivered.GetProperty("uuid").GetString(), receiver.Requests.Last()["uuid"]);

        using var again = await host.SendAsync(HttpMethod.Post, $"{deliveriesUrl}/{id}/Replay");
        Assert.Equal(409, (int)again.StatusCode);
        Assert.Equal(20409, JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetInt32());
        using var missing = await host.SendAsync(HttpMethod.Post, $"{deliveriesUrl}/999999/Replay");
        Assert.Equal(404, (int)missing.StatusCode);
    }

    [Fact]
    public async Task Fragment_overrides_set_time_outs_and_the_fragment_is_neither_sent_nor_signed()
    {
        await using var host = await ServerHost.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromMilliseconds(1500);
        var service = await Phone.CreateServiceAsync(host);
        var webhook = await Phone.CreateWebhookAsync(host, service, receiver.BaseUrl + "/hook?x=1#ct=1000&rt=300&rc=0", "*");
        Assert.EndsWith("#ct=1000&rt=300&rc=0", webhook.GetProperty("webhook_url").GetString());
        using var phone = new Phone(host, service, "ivan-0001");
        await phone.EnrolAsync("Phone");

        await host.DeliverDueAsync();
        var deliveriesUrl = $"/v2/Services/{service}/Webhooks/{webhook.GetProperty("sid").GetString()}/Deliveries";
        var list = await host.GetAsync(deliveriesUrl);
        var delivery = Assert.Single(list.GetProperty("deliveries").EnumerateArray());
        Assert.Equal("pending", delivery.GetProperty("state").GetString());
        Assert.Contains("read time-out", delivery.GetProperty("last_error").GetString());

        receiver.Delay = TimeSpan.Zero;
        await host.RunForAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5));
        // At-least-once: the slow first try does arrive (late), and so does the retry; same uuid, both valid.
        var received = await receiver.WaitForAsync(2);
        Assert.Equal("delivered", (await host.GetAsync(deliveriesUrl)).GetProperty("deliveries")[0].GetProperty("state").GetString());
        Assert.Single(received.Select(r => r["uuid"]).Distinct());
        Assert.All(received, r => Assert.Equal(receiver.BaseUrl + "/hook?x=1", r.Url));
        Assert.All(received, r => Assert.True(Signatures.TwilioAccepts(r, host.Account.AuthToken)));
    }

    [Fact]
    public async Task The_running_outbox_worker_delivers_without_being_driven()
    {
        await using var host = await ServerHost.StartAsync(backgroundServices: true);
        await using var receiver = await WebhookReceiver.StartAsync();
        var service = await Phone.CreateServiceAsync(host);
        await Phone.CreateWebhookAsync(host, service, receiver.BaseUrl + "/hook", "*");
        using var phone = new Phone(host, service, "nina-0001");
        await phone.EnrolAsync("Phone");
        await phone.VerifyAsync();

        var received = await receiver.WaitForAsync(2);

        Assert.Equal(["factor.created", "factor.verified"], received.Select(r => r["type"]));
    }

    [Fact]
    public async Task A_delivery_aimed_off_this_machine_is_never_attempted_and_fails_the_test()
    {
        await using var host = await ServerHost.StartAsync();
        var service = await Phone.CreateServiceAsync(host);
        // Note: .invalid never resolves, so even a broken guard sends nothing anywhere.
        var webhook = await Phone.CreateWebhookAsync(host, service, "https://openverify-guard.invalid/hook", "*");
        using var phone = new Phone(host, service, "olga-00001");
        await phone.EnrolAsync("Phone");

        await host.DeliverDueAsync();

        Assert.Equal(["https://openverify-guard.invalid/hook"], host.Guard.Refused);
        var dead = Assert.Single((await host.GetAsync($"/v2/Services/{service}/Webhooks/{webhook.GetProperty("sid").GetString()}/Deliveries")).GetProperty("deliveries").EnumerateArray());
        Assert.Equal("dead", dead.GetProperty("state").GetString());
        Assert.Equal("test guard: not a loopback URL", dead.GetProperty("last_error").GetString());
        // Seen and checked: this test's host may be disposed without failing.
        host.Guard.Refused.Clear();
    }
}
