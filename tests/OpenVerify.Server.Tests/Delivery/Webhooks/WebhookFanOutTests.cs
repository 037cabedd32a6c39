using System.Text.Json;

namespace OpenVerify.Server.Tests.Delivery.Webhooks;

public sealed class WebhookFanOutTests
{
    private static readonly string[] FactorFields =
        ["uuid", "type", "account_sid", "service_sid", "entity_identity", "factor_sid", "factor_type", "factor_friendly_name"];

    private static readonly string[] ChallengeFields = [.. FactorFields, "challenge_sid", "challenge_details", "challenge_hidden_details", "challenge_status"];

    [Fact]
    public async Task Every_event_type_is_posted_with_its_exact_fields_and_signatures_receivers_accept()
    {
        await using var host = await ServerHost.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var service = await Phone.CreateServiceAsync(host);
        var webhook = await Phone.CreateWebhookAsync(host, service, receiver.BaseUrl + "/hooks/verify?tenant=a%20b&x=1",
            "factor.created", "factor.verified", "factor.deleted", "challenge.approved", "challenge.denied", "challenge.expired", "factor.expired");
        var secret = webhook.GetProperty("secret").GetString()!;

        using var phone = new Phone(host, service, "alice-0001");
        await phone.EnrolAsync("Pixel 8 & more");
        await phone.VerifyAsync();
        var approved = await phone.ChallengeAsync("Log in to Example?", hiddenDetails: """{"ip":"172.168.1.234"}""");
        await phone.RespondAsync(approved, "approved", metadata: """{"os":"Android"}""");
        var denied = await phone.ChallengeAsync("Pay 10 EUR?", hiddenDetails: """{"ip":"10.1.1.1"}""");
        await phone.RespondAsync(denied, "denied");
        var expired = await phone.ChallengeAsync("Ignore me", hiddenDetails: """{"n":"1"}""", expires: host.Clock.GetUtcNow().AddMinutes(1));
        host.Clock.Advance(TimeSpan.FromMinutes(2));
        await host.SweepAsync();
        await host.DeliverDueAsync();
        await phone.DeleteAsync();
        await host.DeliverDueAsync();
        using var stale = new Phone(host, service, "bob-00002");
        await stale.EnrolAsync("Never verified");
        host.Clock.Advance(TimeSpan.FromHours(25));
        await host.SweepAsync();
        await host.DeliverDueAsync();

        var received = receiver.Requests.ToList();
        Assert.Equal(
            ["factor.created", "factor.verified", "challenge.approved", "challenge.denied", "challenge.expired", "factor.deleted", "factor.created", "factor.expired"],
            received.Select(r => r["type"]));
        Assert.Equal(received.Count, received.Select(r => r["uuid"]).Distinct().Count());
        foreach (var r in received)
        {
            Assert.True(Signatures.TwilioAccepts(r, host.Account.AuthToken), "X-Twilio-Signature of " + r["type"]);
            Assert.True(Signatures.StandardWebhooksAccepts(r, secret), "webhook-signature of " + r["type"]);
            Assert.Equal(r["uuid"], r.Headers["webhook-id"]);
            Assert.Equal(r["uuid"], r.Headers["I-Twilio-Idempotency-Token"]);
            Assert.StartsWith("application/x-www-form-urlencoded", r.Headers["Content-Type"]);
            Assert.Equal(receiver.BaseUrl + "/hooks/verify?tenant=a%20b&x=1", r.Url);
            Assert.True(Guid.TryParse(r["uuid"], out _));
            Assert.Equal(host.Account.Sid, r["account_sid"]);
            Assert.Equal(service, r["service_sid"]);
            Assert.Equal("push", r["factor_type"]);
        }

        var factorEvents = received.Where(r => r["type"].StartsWith("factor.", StringComparison.Ordinal)).ToList();
        foreach (var r in factorEvents)
        {
            Assert.Equal(FactorFields.Order(), r.Form.Keys.Order());
        }

        Assert.All(factorEvents.Take(3), r => Assert.Equal(("alice-0001", phone.FactorSid, "Pixel 8 & more"), (r["entity_identity"], r["factor_sid"], r["factor_friendly_name"])));
        Assert.All(factorEvents.Skip(3), r => Assert.Equal(("bob-00002", stale.FactorSid, "Never verified"), (r["entity_identity"], r["factor_sid"], r["factor_friendly_name"])));

        var approvedEvent = received.Single(r => r["type"] == "challenge.approved");
        Assert.Equal(ChallengeFields.Append("challenge_metadata").Order(), approvedEvent.Form.Keys.Order());
        Assert.Equal((approved, "approved", "Pixel 8 & more"), (approvedEvent["challenge_sid"], approvedEvent["challenge_status"], approvedEvent["factor_friendly_name"]));
        using (var details = JsonDocument.Parse(approvedEvent["challenge_details"]))
        {
            Assert.Equal("Log in to Example?", details.RootElement.GetProperty("message").GetString());
            Assert.Equal("Action", details.RootElement.GetProperty("fields")[0].GetProperty("label").GetString());
        }

        Assert.Equal("172.168.1.234", JsonDocument.Parse(approvedEvent["challenge_hidden_details"]).RootElement.GetProperty("ip").GetString());
        Assert.Equal("Android", JsonDocument.Parse(approvedEvent["challenge_metadata"]).RootElement.GetProperty("os").GetString());

        var deniedEvent = received.Single(r => r["type"] == "challenge.denied");
        Assert.Equal(ChallengeFields.Order(), deniedEvent.Form.Keys.Order());
        Assert.Equal((denied, "denied"), (deniedEvent["challenge_sid"], deniedEvent["challenge_status"]));

        var expiredEvent = received.Single(r => r["type"] == "challenge.expired");
        Assert.Equal(ChallengeFields.Order(), expiredEvent.Form.Keys.Order());
        // The sweep does not know the factor's name; fan-out fills it in.
        Assert.Equal((expired, "expired", "Pixel 8 & more"), (expiredEvent["challenge_sid"], expiredEvent["challenge_status"], expiredEvent["factor_friendly_name"]));
    }

    [Fact]
    public async Task A_tampered_field_or_wrong_url_fails_Twilios_validator()
    {
        await using var host = await ServerHost.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var service = await Phone.CreateServiceAsync(host);
        await Phone.CreateWebhookAsync(host, service, receiver.BaseUrl + "/hook", "*");
        using var phone = new Phone(host, service, "carol-0001");
        await phone.EnrolAsync("Phone");
        await host.DeliverDueAsync();

        var r = Assert.Single(receiver.Requests);
        Assert.True(Signatures.TwilioAccepts(r, host.Account.AuthToken));
        var tampered = r with { Form = new Dictionary<string, string>(r.Form) { ["factor_friendly_name"] = "Other" } };
        Assert.False(Signatures.TwilioAccepts(tampered, host.Account.AuthToken));
        Assert.False(Signatures.TwilioAccepts(r with { Url = r.Url + "?x=1" }, host.Account.AuthToken));
        Assert.False(Signatures.TwilioAccepts(r, "0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public async Task Star_takes_Twilios_events_only_and_unsubscribed_or_disabled_webhooks_get_nothing()
    {
        await using var host = await ServerHost.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var service = await Phone.CreateServiceAsync(host);
        var otherService = await Phone.CreateServiceAsync(host, "Other");
        await Phone.CreateWebhookAsync(host, service, receiver.BaseUrl + "/star", "*");
        await Phone.CreateWebhookAsync(host, service, receiver.BaseUrl + "/approved", "challenge.approved");
        await Phone.CreateWebhookAsync(host, service, receiver.BaseUrl + "/unsubscribed", "challenge.denied");
        await Phone.CreateWebhookAsync(host, otherService, receiver.BaseUrl + "/other-service", "*");
        var disabled = await Phone.CreateWebhookAsync(host, service, receiver.BaseUrl + "/disabled", "*");
        await host.PostAsync($"/v2/Services/{service}/Webhooks/{disabled.GetProperty("sid").GetString()}", ("Status", "disabled"));
        var disabledLater = await Phone.CreateWebhookAsync(host, service, receiver.BaseUrl + "/disabled-later", "*");

        using var phone = new Phone(host, service, "dave-0001");
        await phone.EnrolAsync("Phone");
        // Disabled after the event was fanned out, before delivery: still nothing.
        await host.Worker.RunOnceAsync(CancellationToken.None);
        await host.PostAsync($"/v2/Services/{service}/Webhooks/{disabledLater.GetProperty("sid").GetString()}", ("Status", "disabled"));
        await phone.VerifyAsync();
        var challenge = await phone.ChallengeAsync("Approve?");
        await phone.RespondAsync(challenge, "approved");
        await phone.ChallengeAsync("Expire", expires: host.Clock.GetUtcNow().AddMinutes(1));
        host.Clock.Advance(TimeSpan.FromMinutes(2));
        await host.SweepAsync();
        using var stale = new Phone(host, service, "erin-0001");
        await stale.EnrolAsync("Stale");
        host.Clock.Advance(TimeSpan.FromHours(25));
        await host.SweepAsync();
        await host.DeliverDueAsync();

        string[] Paths(string path, string? identity = null) => receiver.Requests
            .Where(r => new Uri(r.Url).AbsolutePath == path && (identity is null || r["entity_identity"] == identity)).Select(r => r["type"]).ToArray();
        Assert.Equal(["factor.created", "factor.verified", "challenge.approved"], Paths("/star", "dave-0001"));
        Assert.Equal(["factor.created"], Paths("/star", "erin-0001"));
        Assert.Equal(["challenge.approved"], Paths("/approved"));
        Assert.Empty(Paths("/unsubscribed"));
        Assert.Empty(Paths("/other-service"));
        Assert.Empty(Paths("/disabled"));
        Assert.Empty(Paths("/disabled-later"));

        var deliveries = await host.GetAsync($"/v2/Services/{service}/Webhooks/{disabledLater.GetProperty("sid").GetString()}/Deliveries");
        var dead = Assert.Single(deliveries.GetProperty("deliveries").EnumerateArray());
        Assert.Equal("dead", dead.GetProperty("state").GetString());
        Assert.Equal("the webhook is disabled", dead.GetProperty("last_error").GetString());
    }
}
