using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Delivery.Push;
using OpenVerify.Server.Factors;

namespace OpenVerify.Server.Tests.Delivery.Push;

public sealed class PushReliabilityTests : PushTestBase
{
    private const string Unregistered = """{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}""";
    private const string InvalidToken = """{"error":{"code":400,"message":"The registration token is not a valid FCM registration token","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"INVALID_ARGUMENT"},{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"message.token","description":"Invalid registration token"}]}]}}""";
    private const string SenderMismatch = """{"error":{"code":403,"message":"SenderId mismatch","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"SENDER_ID_MISMATCH"}]}}""";


    private async Task<(Factor Factor, System.Security.Cryptography.ECDsa Key)> FactorAsync(PushHost on, string platform, string token, string identity = "user-0001")
    {
        var service = platform == "fcm"
            ? await on.CreateServiceAsync(("Push.FcmCredentialSid", await on.CreateFcmCredentialAsync(keys)))
            : await on.CreateServiceAsync(("Push.ApnCredentialSid", await on.CreateApnCredentialAsync(keys)));
        return await on.AddFactorAsync(service, platform, token, identity);
    }

    [Fact]
    public async Task A_429_is_retried_no_sooner_than_its_Retry_After_then_delivered()
    {
        var (factor, _) = await FactorAsync(host, "fcm", new string('1', 64));
        standIns.FcmReplies.Enqueue(new Reply(429, """{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"Quota exceeded"}}""", RetryAfter: "7"));
        var challenge = await host.CreateChallengeAsync(factor);

        await host.DrainAsync();
        host.Clock.Advance(TimeSpan.FromSeconds(6));
        await host.DrainAsync();
        Assert.Single(standIns.Fcm);

        host.Clock.Advance(TimeSpan.FromSeconds(2));
        await host.DrainAsync();

        Assert.Equal(2, standIns.Fcm.Count);
        var message = Assert.Single(await host.PushMessagesAsync());
        Assert.Equal("done", message.State);
        var log = await host.Services.GetRequiredService<IPushLog>().ListAsync(10, challenge, null, CancellationToken.None);
        Assert.Equal(["delivered", "retry"], log.Select(a => a.Outcome));
        Assert.Equal([2, 1], log.Select(a => a.Attempt));
        Assert.Contains("429 RESOURCE_EXHAUSTED", log[1].Detail, StringComparison.Ordinal);
        Assert.All(log, a => Assert.Equal(factor.Sid, a.FactorSid));
        Assert.All(log, a => Assert.Equal("fcm", a.Platform));
    }

    [Fact]
    public async Task Apns_5xx_is_retried_with_backoff_then_delivered()
    {
        var (factor, _) = await FactorAsync(host, "apn", new string('2', 64));
        standIns.ApnsReplies.Enqueue(new Reply(503, """{"reason":"ServiceUnavailable"}"""));
        standIns.ApnsReplies.Enqueue(new Reply(500, """{"reason":"InternalServerError"}"""));
        await host.CreateChallengeAsync(factor);

        for (var i = 0; i < 3; i++)
        {
            await host.DrainAsync();
            host.Clock.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.Equal(3, standIns.Apns.Count);
        var message = Assert.Single(await host.PushMessagesAsync());
        Assert.Equal(("done", 3L), (message.State, message.Attempts));
    }

    [Fact]
    public async Task A_hanging_fcm_times_out_and_is_retried()
    {
        await using var impatient = await PushHost.StartAsync(standIns, keys, settings: new() { ["OpenVerify:Push:SendTimeout"] = "00:00:02" });
        var (factor, _) = await FactorAsync(impatient, "fcm", new string('3', 64));
        await impatient.CreateChallengeAsync(factor);
        await impatient.DrainAsync();
        standIns.FcmReplies.Enqueue(Reply.Hangs());
        await impatient.CreateChallengeAsync(factor);

        await impatient.DrainAsync();
        var hung = (await impatient.PushMessagesAsync())[1];
        Assert.Equal("pending", hung.State);
        Assert.Equal("FCM timed out", hung.LastError);

        impatient.Clock.Advance(TimeSpan.FromSeconds(2));
        await impatient.DrainAsync();

        Assert.Equal("done", (await impatient.PushMessagesAsync())[1].State);
        Assert.Equal(3, standIns.Fcm.Count);
    }

    [Theory]
    [InlineData(404, Unregistered)]
    [InlineData(400, InvalidToken)]
    public async Task An_fcm_token_rejection_clears_the_token_and_a_new_token_brings_pushes_back(int status, string body)
    {
        var (factor, deviceKey) = await FactorAsync(host, "fcm", new string('4', 64));
        standIns.FcmReplies.Enqueue(new Reply(status, body));
        await host.CreateChallengeAsync(factor);

        await host.DrainAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await host.DrainAsync();

        Assert.Single(standIns.Fcm);
        var dead = Assert.Single(await host.PushMessagesAsync());
        Assert.Equal(("dead", 1L), (dead.State, dead.Attempts));
        Assert.Contains("token cleared", dead.LastError, StringComparison.Ordinal);
        Assert.Null(await host.StoredTokenAsync(factor.Sid));

        // Challenges still work; nothing is sent to the dead token.
        await host.CreateChallengeAsync(factor);
        Assert.Single(await host.PushMessagesAsync());

        // The device's next UpdateFactor (device JWT) brings a new token.
        using var device = host.ClientFor("Basic", "token:" + host.DeviceJwt(factor, deviceKey));
        using var update = await device.PostAsync($"/v2/Services/{factor.ServiceSid}/Entities/{factor.Identity}/Factors/{factor.Sid}",
            new FormUrlEncodedContent([new("Config.NotificationToken", new string('5', 64)), new("Config.NotificationPlatform", "fcm")]));
        Assert.Equal(200, (int)update.StatusCode);
        await host.CreateChallengeAsync(factor);
        await host.DrainAsync();

        Assert.Equal(2, standIns.Fcm.Count);
        Assert.Equal(new string('5', 64), standIns.Fcm.Last().Json.GetProperty("message").GetProperty("token").GetString());
    }

    [Theory]
    [InlineData(410, """{"reason":"Unregistered","timestamp":1700000000000}""")]
    [InlineData(400, """{"reason":"BadDeviceToken"}""")]
    public async Task An_apns_token_rejection_clears_the_token(int status, string body)
    {
        var (factor, _) = await FactorAsync(host, "apn", new string('6', 64));
        standIns.ApnsReplies.Enqueue(new Reply(status, body));
        await host.CreateChallengeAsync(factor);

        await host.DrainAsync();

        var dead = Assert.Single(await host.PushMessagesAsync());
        Assert.Equal("dead", dead.State);
        Assert.Null(await host.StoredTokenAsync(factor.Sid));
    }

    [Fact]
    public async Task A_permanent_error_is_not_retried_and_keeps_the_token()
    {
        var (factor, _) = await FactorAsync(host, "fcm", new string('7', 64));
        standIns.FcmReplies.Enqueue(new Reply(403, SenderMismatch));
        await host.CreateChallengeAsync(factor);

        await host.DrainAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(2));
        await host.DrainAsync();

        Assert.Single(standIns.Fcm);
        var dead = Assert.Single(await host.PushMessagesAsync());
        Assert.Equal(("dead", 1L), (dead.State, dead.Attempts));
        Assert.Contains("SENDER_ID_MISMATCH", dead.LastError, StringComparison.Ordinal);
        Assert.Equal(new string('7', 64), await host.StoredTokenAsync(factor.Sid));
    }

    [Fact]
    public async Task One_users_dead_token_does_not_hold_up_another_users_push()
    {
        var credential = await host.CreateFcmCredentialAsync(keys);
        var service = await host.CreateServiceAsync(("Push.FcmCredentialSid", credential));
        var (alice, _) = await host.AddFactorAsync(service, "fcm", new string('a', 64), "alice-0001");
        var (bob, _) = await host.AddFactorAsync(service, "fcm", new string('b', 64), "bob-00001");
        standIns.FcmRepliesByToken[new string('a', 64)] = new Reply(404, Unregistered);
        await host.CreateChallengeAsync(alice);
        await host.CreateChallengeAsync(bob);

        await host.DrainAsync();

        Assert.Equal(["dead", "done"], (await host.PushMessagesAsync()).Select(m => m.State));
    }

    [Fact]
    public async Task A_push_past_its_ttl_is_dropped_not_sent_late()
    {
        var (factor, _) = await FactorAsync(host, "fcm", new string('8', 64));
        standIns.FcmReplies.Enqueue(new Reply(503, "{}", RetryAfter: "20"));
        await host.CreateChallengeAsync(factor, expires: host.Clock.GetUtcNow().AddSeconds(30));

        await host.DrainAsync();
        Assert.Equal("pending", Assert.Single(await host.PushMessagesAsync()).State);
        host.Clock.Advance(TimeSpan.FromSeconds(31));
        await host.DrainAsync();

        Assert.Single(standIns.Fcm);
        var dropped = Assert.Single(await host.PushMessagesAsync());
        Assert.Equal("dead", dropped.State);
        Assert.Equal("expired before delivery", dropped.LastError);
    }

    [Fact]
    public async Task A_retry_that_would_land_after_the_ttl_is_given_up_at_once()
    {
        var (factor, _) = await FactorAsync(host, "fcm", new string('9', 64));
        standIns.FcmReplies.Enqueue(new Reply(429, "{}", RetryAfter: "120"));
        await host.CreateChallengeAsync(factor, expires: host.Clock.GetUtcNow().AddSeconds(60));

        await host.DrainAsync();

        var dropped = Assert.Single(await host.PushMessagesAsync());
        Assert.Equal("dead", dropped.State);
        Assert.Contains("TTL ends before the next try", dropped.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jobs_survive_a_crash_mid_queue_and_are_sent_by_the_next_instance()
    {
        var storage = await TestApiStorage.CreateAsync();
        var before = await PushHost.StartAsync(standIns, keys, storage);
        var (factor, _) = await FactorAsync(before, "fcm", new string('c', 64));
        var challenges = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            challenges.Add(await before.CreateChallengeAsync(factor, "Request " + i));
        }

        // The crashed instance had claimed half the queue and died before sending any of it.
        var outbox = before.Services.GetRequiredService<IOutbox>();
        var now = before.Clock.GetUtcNow();
        var claimed = await outbox.ClaimAsync([OutboxKinds.Push], "crashed-instance", now, now.AddSeconds(60), 3, CancellationToken.None);
        Assert.Equal(3, claimed.Count);
        var (accountSid, authToken, clock) = (before.AccountSid, before.AuthToken, before.Clock);
        await before.DisposeAsync();
        Assert.Empty(standIns.Fcm);

        var after = await PushHost.StartAsync(standIns, keys, storage, clock, account: (accountSid, authToken));
        Assert.Equal(3, await after.DrainAsync());
        after.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(3, await after.DrainAsync());

        var sent = standIns.Fcm.Select(r => r.Json.GetProperty("message").GetProperty("data").GetProperty("challenge_sid").GetString()!).Order().ToList();
        Assert.Equal(challenges.Order().ToList(), sent);
        Assert.All(await after.PushMessagesAsync(), m => Assert.Equal("done", m.State));
        await after.DisposeAsync();
        storage.Delete();
    }

    [Fact]
    public async Task Notifications_resend_the_push_of_a_pending_challenge()
    {
        var (factor, _) = await FactorAsync(host, "apn", new string('e', 64));
        var challenge = await host.CreateChallengeAsync(factor);
        await host.DrainAsync();

        var (status, notification) = await host.PostAsync($"/v2/Services/{factor.ServiceSid}/Entities/{factor.Identity}/Challenges/{challenge}/Notifications", ("Ttl", "120"));
        Assert.Equal(201, status);
        Assert.Equal(120, notification.GetProperty("ttl").GetInt32());
        await host.DrainAsync();

        Assert.Equal(2, standIns.Apns.Count);
        var resent = standIns.Apns.Last();
        Assert.Equal(challenge, resent.Json.GetProperty("challenge_sid").GetString());
        Assert.Equal(host.Clock.GetUtcNow().AddSeconds(120).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), resent.Headers["apns-expiration"]);
        var log = await host.Services.GetRequiredService<IPushLog>().ListAsync(10, challenge, null, CancellationToken.None);
        Assert.Equal(notification.GetProperty("sid").GetString(), log[0].NotificationSid);
        Assert.Null(log[1].NotificationSid);
    }

    [Fact]
    public async Task A_notification_with_ttl_0_is_tried_once()
    {
        var (factor, _) = await FactorAsync(host, "fcm", new string('d', 64));
        var challenge = await host.CreateChallengeAsync(factor);
        await host.DrainAsync();
        standIns.FcmReplies.Enqueue(new Reply(503, "{}"));

        var (status, _) = await host.PostAsync($"/v2/Services/{factor.ServiceSid}/Entities/{factor.Identity}/Challenges/{challenge}/Notifications", ("Ttl", "0"));
        Assert.Equal(201, status);
        await host.DrainAsync();
        host.Clock.Advance(TimeSpan.FromSeconds(5));
        await host.DrainAsync();

        Assert.Equal(2, standIns.Fcm.Count);
        var resend = (await host.PushMessagesAsync())[1];
        Assert.Equal(("dead", 1L), (resend.State, resend.Attempts));
        Assert.Contains("one attempt", resend.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notifications_for_an_answered_or_expired_challenge_are_refused()
    {
        var (factor, _) = await FactorAsync(host, "fcm", new string('f', 64));
        var challenge = await host.CreateChallengeAsync(factor, expires: host.Clock.GetUtcNow().AddSeconds(30));
        host.Clock.Advance(TimeSpan.FromSeconds(31));

        var (status, error) = await host.PostAsync($"/v2/Services/{factor.ServiceSid}/Entities/{factor.Identity}/Challenges/{challenge}/Notifications");

        Assert.Equal(403, status);
        Assert.Equal(60323, error.GetProperty("code").GetInt32());
    }
}
