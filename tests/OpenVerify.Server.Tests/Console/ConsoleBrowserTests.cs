using Microsoft.Playwright;
using FcmStandIn = OpenVerify.TestKit.StandIns.FcmStandIn;

namespace OpenVerify.Server.Tests.Console;

/// <summary>
/// The admin console in a real browser (Chromium, through Playwright) against a real Kestrel server on
/// loopback, with the FCM stand-in and a webhook receiver as the outside world: what an operator does
/// when a user says "my phone never got the prompt". Set OPENVERIFY_CONSOLE_SCREENSHOTS to a directory
/// to also save the screenshots shown in docs/console.md.
/// </summary>
[Collection(Chromium.Collection)]
public sealed class ConsoleBrowserTests(Chromium chromium)
{
    private static readonly string? ScreenshotDirectory = Environment.GetEnvironmentVariable("OPENVERIFY_CONSOLE_SCREENSHOTS");

    [Fact]
    public async Task An_operator_follows_a_challenge_to_its_deliveries_replays_a_dead_webhook_deletes_the_factor_and_signs_out()
    {
        await using var fcm = await FcmStandIn.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = 500;
        await using var api = await TestApi.StartLoopbackAsync(new Dictionary<string, string?>
        {
            ["OpenVerify:Push:FcmBaseUrl"] = fcm.BaseUrl,
            ["OpenVerify:Push:GoogleTokenUrl"] = fcm.BaseUrl + "/token",
            ["OpenVerify:Webhooks:AllowPrivateNetworks"] = "true",
            ["OpenVerify:Webhooks:RetryFor"] = "00:00:01",
        });
        var credential = (await api.Account.PostAsync("/v1/Credentials", ("Type", "fcm"), ("FriendlyName", "Firebase (production)"), ("Secret", fcm.ServiceAccountJson))).Expect(201).Str("sid")!;
        var service = await api.CreateServiceAsync("Example Bank", ("Push.FcmCredentialSid", credential));
        _ = (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", ("FriendlyName", "App backend"), ("EventTypes", "*"), ("WebhookUrl", receiver.BaseUrl + "/hooks/verify"))).Expect(201);
        var e = await api.EnrolAsync(service, "alice-example");
        var challenge = (await api.CreateChallengeAsync(e, ("Details.Message", "Sign in to Example Bank?"), ("Details.Fields", "{\"label\":\"Location\",\"value\":\"Lisbon, PT\"}"))).Str("sid")!;
        await e.Device.ApproveAsync(e.Factor, challenge);
        // The push reaches FCM; the webhook deliveries meet a failing backend and are given up after the retry window.
        await api.DeliverOutboxAsync();
        api.Clock.Advance(TimeSpan.FromSeconds(2));
        await api.DeliverOutboxAsync();
        Assert.Equal(1, fcm.Sends.AcceptedCount(challenge));
        // A second user, whose app was reinstalled: FCM no longer knows its token.
        var bob = await api.EnrolAsync(service, "bob-example");
        var unregistered = (await api.CreateChallengeAsync(bob, ("Details.Message", "Sign in to Example Bank?"))).Str("sid")!;
        fcm.Status = 404;
        await api.DeliverOutboxAsync();

        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = api.Http.BaseAddress!.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Chromium.PageTimeout);

        // Sign in.
        await page.GotoAsync("/console");
        Assert.EndsWith("/console/login?returnUrl=%2Fconsole", page.Url);
        await page.FillAsync("#sid", api.AccountSid);
        await page.FillAsync("#secret", api.AuthToken);
        await ShotAsync(page, "console-login");
        await page.ClickAsync("button[type=submit]");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Services");
        await ShotAsync(page, "console-services");

        // The service, its entity, the challenge.
        await page.ClickAsync("text=Example Bank");
        await Expect(page.Locator("main")).ToContainTextAsync("Firebase (production)");
        await ShotAsync(page, "console-service");
        await page.ClickAsync("text=Entities and factors");
        await page.ClickAsync("text=alice-example");
        await Expect(page.Locator("h1")).ToHaveTextAsync("alice-example");
        await Expect(page.Locator("main")).ToContainTextAsync(e.Factor.Sid);
        await ShotAsync(page, "console-entity");
        await page.ClickAsync($"text={challenge}");
        await Expect(page.Locator("#verdict")).ToContainTextAsync("FCM accepted the push");
        await Expect(page.Locator("#verdict")).ToContainTextAsync("The device answered at");
        var timeline = page.Locator("#timeline");
        await Expect(timeline).ToContainTextAsync("Push via FCM: attempt 1");
        await Expect(timeline).ToContainTextAsync("Webhook challenge.approved to 'App backend'");
        await Expect(timeline).ToContainTextAsync("HTTP 500");
        await Expect(timeline).ToContainTextAsync("The device answered: approved");
        await ShotAsync(page, "console-challenge", fullPage: true);

        // The other user's challenge: the page says the push failed, and why.
        await page.GotoAsync($"/console/services/{service}/challenges/{unregistered}");
        await Expect(page.Locator("#verdict")).ToContainTextAsync("The push failed after 1 attempt(s)");
        await Expect(page.Locator("#verdict")).ToContainTextAsync("token cleared on the factor");
        await Expect(page.Locator("#verdict")).ToContainTextAsync("The device has not answered yet.");
        await ShotAsync(page, "console-challenge-push-failed");
        await page.GoBackAsync();

        // Replay the dead challenge.approved delivery, then see its new attempt once the backend is back.
        var deadRow = page.Locator("#deliveries tr", new() { HasText = "challenge.approved to" });
        await Expect(deadRow).ToContainTextAsync("dead");
        await deadRow.Locator("a").ClickAsync();
        await Expect(page.Locator("#state")).ToHaveTextAsync("dead");
        // Its partition waited behind the factor events' retries, so it had one try, past the retry window.
        await Expect(page.Locator("#attempts tbody tr")).ToHaveCountAsync(1);
        await page.ClickAsync("text=Replay this delivery…");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Replay this delivery?");
        await ShotAsync(page, "console-replay");
        await page.ClickAsync("button:has-text('Replay delivery')");
        await Expect(page.Locator("#state")).ToHaveTextAsync("pending");
        await Expect(page.Locator(".notice")).ToContainTextAsync("pending again");
        receiver.Status = 200;
        await api.DeliverOutboxAsync();
        await page.ReloadAsync();
        await Expect(page.Locator("#state")).ToHaveTextAsync("delivered");
        var attempts = page.Locator("#attempts tbody tr");
        await Expect(attempts).ToHaveCountAsync(2);
        await Expect(attempts.Nth(1).Locator("td").Nth(0)).ToHaveTextAsync("2");
        await Expect(attempts.Nth(1).Locator("td").Nth(2)).ToHaveTextAsync("delivered");
        Assert.Contains(receiver.Requests, r => r.Body.Contains("challenge.approved", StringComparison.Ordinal));
        await ShotAsync(page, "console-delivery");
        await page.ClickAsync("text=Webhook App backend");
        await Expect(page.Locator("#deliveries")).ToContainTextAsync("delivered");
        await ShotAsync(page, "console-deliveries");
        await page.GotoAsync($"/console/services/{service}/push-log");
        await Expect(page.Locator("#pushes")).ToContainTextAsync(challenge);
        await ShotAsync(page, "console-push-log");

        // Delete the factor, as the API's DELETE would.
        await page.GotoAsync($"/console/services/{service}/entities/{e.Identity}");
        await page.ClickAsync("text=Delete…");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Delete this factor?");
        await ShotAsync(page, "console-delete-factor");
        await page.ClickAsync("button:has-text('Delete factor')");
        await Expect(page.Locator(".notice")).ToContainTextAsync("The factor was deleted");
        await Expect(page.Locator("main")).ToContainTextAsync("No factors.");
        Assert.Equal(404, (await api.Account.GetAsync(e.FactorPath)).StatusCode);
        await page.ClickAsync("text=Audit log");
        await Expect(page.Locator("#audit tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#audit")).ToContainTextAsync("factor.delete");
        await Expect(page.Locator("#audit")).ToContainTextAsync("webhook.delivery.replay");
        await ShotAsync(page, "console-audit");

        // Sign out: the console is closed again.
        await page.ClickAsync("header button:has-text('Sign out')");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        await page.GotoAsync("/console");
        Assert.Contains("/console/login", page.Url);
    }

    [Fact]
    public async Task A_wrong_auth_token_answers_401_with_an_error_and_no_session()
    {
        await using var api = await TestApi.StartLoopbackAsync();
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = api.Http.BaseAddress!.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Chromium.PageTimeout);

        await page.GotoAsync("/console/login");
        await page.FillAsync("#sid", api.AccountSid);
        await page.FillAsync("#secret", "not-the-token");
        var answer = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"), r => r.Request.Method == "POST");

        Assert.Equal(401, answer.Status);
        await Expect(page.Locator("[role=alert]")).ToHaveTextAsync("Wrong SID or secret.");
        await Expect(page.Locator("#sid")).ToHaveValueAsync(api.AccountSid);
        await Expect(page.Locator("#secret")).ToHaveValueAsync("");
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == Server.Console.ConsoleSession.CookieName);
    }

    [Fact]
    public async Task Another_accounts_service_SID_in_the_address_answers_404()
    {
        await using var api = await TestApi.StartLoopbackAsync();
        var ours = await api.CreateServiceAsync("Ours");
        var other = await api.CreateOtherAccountAsync();
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = api.Http.BaseAddress!.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Chromium.PageTimeout);
        await page.GotoAsync("/console/login");
        await page.FillAsync("#sid", other.User!);
        await page.FillAsync("#secret", other.Secret!);
        await page.ClickAsync("button[type=submit]");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Services");

        var response = await page.GotoAsync($"/console/services/{ours}");

        Assert.Equal(404, response!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("404 Not found");
        Assert.DoesNotContain("Ours", await page.ContentAsync());
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static async Task ShotAsync(IPage page, string name, bool fullPage = false)
    {
        if (ScreenshotDirectory is null)
        {
            return;
        }

        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = fullPage });
    }
}
