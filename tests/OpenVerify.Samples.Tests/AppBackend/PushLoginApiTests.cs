using System.Net;
using System.Net.Http.Json;
using OpenVerify.AppBackend.Logins;
using OpenVerify.Client;
using OpenVerify.Samples.Tests.Support;

namespace OpenVerify.Samples.Tests.AppBackend;

/// <summary>Log in with push against a real OpenVerify server: webhooks for real, polling without them.</summary>
[Collection(OpenVerifyCollection.Name)]
public sealed class PushLoginApiTests(OpenVerifyFixture fixture)
{
    [Fact]
    public async Task Approved_login_is_learnt_by_webhook_and_starts_the_session_once()
    {
        // A long grace period: only the webhook can decide.
        await using var backend = await Backend.StartAsync(fixture.Server, o => o.WebhookGrace = TimeSpan.FromSeconds(20));
        var (device, factorSid, _) = await backend.RegisterDeviceAsync(Backend.Alice);
        var browser = backend.NewBrowser();

        var started = await Backend.StartPushLoginAsync(browser, "alice");
        Assert.Equal("pending", started.Status);
        Assert.Equal(factorSid, started.FactorSid);
        await device.UpdateChallengeAsync(new UpdatePushChallengePayload(factorSid, started.ChallengeSid, ChallengeStatus.Approved));

        var outcome = await Backend.PushLoginStatusAsync(browser, started.TransactionId, waitSeconds: 15);
        Assert.Equal("approved", outcome.Status);
        Assert.Equal("webhook", outcome.DecidedBy);
        Assert.True(outcome.SignedIn);
        using var me = await browser.GetAsync("/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        var again = await Backend.PushLoginStatusAsync(backend.NewBrowser(), started.TransactionId, waitSeconds: 0);
        Assert.Equal("approved", again.Status);
        Assert.False(again.SignedIn);
    }

    [Fact]
    public async Task Denied_login_starts_no_session()
    {
        await using var backend = await Backend.StartAsync(fixture.Server, o => o.WebhookGrace = TimeSpan.FromSeconds(20));
        var (device, factorSid, _) = await backend.RegisterDeviceAsync(Backend.Alice);
        var browser = backend.NewBrowser();

        var started = await Backend.StartPushLoginAsync(browser, "alice");
        await device.UpdateChallengeAsync(new UpdatePushChallengePayload(factorSid, started.ChallengeSid, ChallengeStatus.Denied));

        var outcome = await Backend.PushLoginStatusAsync(browser, started.TransactionId, waitSeconds: 15);
        Assert.Equal("denied", outcome.Status);
        Assert.Equal("webhook", outcome.DecidedBy);
        Assert.False(outcome.SignedIn);
        using var me = await browser.GetAsync("/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Without_a_webhook_the_outcome_is_learnt_by_polling()
    {
        await using var backend = await Backend.StartAsync(fixture.Server, o =>
        {
            o.RegisterWebhook = false;
            o.WebhookGrace = TimeSpan.FromMilliseconds(200);
            o.PollInterval = TimeSpan.FromMilliseconds(100);
        });
        Assert.Null(backend.Host.WebhookSid);
        var (device, factorSid, _) = await backend.RegisterDeviceAsync(Backend.Alice);
        var browser = backend.NewBrowser();

        var started = await Backend.StartPushLoginAsync(browser, "alice");
        var pending = await Backend.PushLoginStatusAsync(browser, started.TransactionId, waitSeconds: 0);
        Assert.Equal("pending", pending.Status);
        Assert.Null(pending.DecidedBy);

        await device.UpdateChallengeAsync(new UpdatePushChallengePayload(factorSid, started.ChallengeSid, ChallengeStatus.Approved));
        var outcome = await Backend.PushLoginStatusAsync(browser, started.TransactionId, waitSeconds: 10);
        Assert.Equal("approved", outcome.Status);
        Assert.Equal("polling", outcome.DecidedBy);
        Assert.True(outcome.SignedIn);
        Assert.Empty(backend.Host.Webhooks.All);
    }

    [Fact]
    public async Task Unanswered_login_expires_and_only_polling_learns_it()
    {
        // Twilio has no challenge.expired webhook (and "*" does not include OpenVerify's), so the
        // subscribed webhook stays silent; the shortest challenge lifetime the backend allows is 10 s.
        await using var backend = await Backend.StartAsync(fixture.Server, o =>
        {
            o.ChallengeExpiry = TimeSpan.FromSeconds(10);
            o.WebhookGrace = TimeSpan.FromMilliseconds(200);
            o.PollInterval = TimeSpan.FromMilliseconds(500);
        });
        Assert.NotNull(backend.Host.WebhookSid);
        await backend.RegisterDeviceAsync(Backend.Alice);
        var browser = backend.NewBrowser();

        var started = await Backend.StartPushLoginAsync(browser, "alice");
        var outcome = await Backend.PushLoginStatusAsync(browser, started.TransactionId, waitSeconds: 20);

        Assert.Equal("expired", outcome.Status);
        Assert.Equal("polling", outcome.DecidedBy);
        Assert.False(outcome.SignedIn);
        Assert.DoesNotContain(backend.Host.Webhooks.All, w => w.ChallengeSid == started.ChallengeSid);
    }

    [Fact]
    public async Task Challenge_shows_the_login_and_hides_the_transaction_id()
    {
        await using var backend = await Backend.StartAsync(fixture.Server);
        var (device, factorSid, _) = await backend.RegisterDeviceAsync(Backend.Alice);
        var browser = backend.NewBrowser();
        browser.DefaultRequestHeaders.UserAgent.ParseAdd("TestBrowser/1.0");

        var started = await Backend.StartPushLoginAsync(browser, "alice");
        var challenge = await device.GetChallengeAsync(started.ChallengeSid, factorSid);

        Assert.Equal("Example App: sign in as alice?", challenge.ChallengeDetails.Message);
        Assert.Contains(challenge.ChallengeDetails.Fields, f => f.Label == "Action" && f.Value == "Sign in");
        Assert.Contains(challenge.ChallengeDetails.Fields, f => f.Label == "Browser" && f.Value == "TestBrowser/1.0");
        Assert.Equal(started.TransactionId, challenge.HiddenDetails![PushLogins.TransactionKey]);
        Assert.InRange(challenge.ExpirationDate - challenge.CreatedAt, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Device_approves_its_own_login_silently_by_transaction_id()
    {
        await using var backend = await Backend.StartAsync(fixture.Server, o => o.WebhookGrace = TimeSpan.FromSeconds(20));
        var (device, factorSid, app) = await backend.RegisterDeviceAsync(Backend.Alice);
        var other = await Backend.StartPushLoginAsync(backend.NewBrowser(), "alice");

        var mine = await Backend.StartPushLoginAsync(app, "alice");
        var approved = await device.ApproveSilentlyAsync(SilentApproval.ForTransaction(factorSid, PushLogins.TransactionKey, mine.TransactionId));

        Assert.Equal(mine.ChallengeSid, approved.Sid);
        var outcome = await Backend.PushLoginStatusAsync(app, mine.TransactionId, waitSeconds: 15);
        Assert.Equal("approved", outcome.Status);
        Assert.Equal("webhook", outcome.DecidedBy);
        var untouched = await Backend.PushLoginStatusAsync(backend.NewBrowser(), other.TransactionId, waitSeconds: 0);
        Assert.Equal("pending", untouched.Status);
    }

    [Fact]
    public async Task Unknown_user_and_user_without_a_device_get_the_same_404()
    {
        await using var backend = await Backend.StartAsync(fixture.Server);
        var browser = backend.NewBrowser();

        using var unknown = await browser.PostAsJsonAsync("/login/push", new PushLoginApi.PushLoginRequest("mallory"), Backend.Json);
        using var noDevice = await browser.PostAsJsonAsync("/login/push", new PushLoginApi.PushLoginRequest("bob"), Backend.Json);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noDevice.StatusCode);
        Assert.Equal(await unknown.Content.ReadAsStringAsync(), await noDevice.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unverified_device_is_not_challenged()
    {
        await using var backend = await Backend.StartAsync(fixture.Server);
        var token = await backend.AccessTokenAsync(await backend.SignedInAsync(Backend.Alice));
        await backend.NewDevice().CreateFactorAsync(new PushFactorPayload("Unverified", token.ServiceSid, token.Identity, null, token.Token));

        using var response = await backend.NewBrowser().PostAsJsonAsync("/login/push", new PushLoginApi.PushLoginRequest("alice"), Backend.Json);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
