using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Accounts;
using OpenVerify.Server.Auth;
using OpenVerify.Server.Console;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Tests.Console;

/// <summary>
/// The admin console over HTTP, without a browser: the session cookie's flags, anti-forgery, the sign-in
/// limit, tenant isolation, the loopback-only default and the switch, and that its actions take the
/// API's own paths and are audited.
/// </summary>
public sealed class ConsoleHttpTests
{
    private static ConsoleHttp Console(TestApi api, string scheme = "http") => new(api.Server.CreateHandler(), new Uri(scheme + "://localhost/"));

    private static string CookieLine(ConsoleResponse response, string name) =>
        Assert.Single(response.SetCookies, c => c.StartsWith(name + "=", StringComparison.Ordinal));

    [Fact]
    public async Task Signing_in_sets_an_HttpOnly_SameSite_Strict_session_cookie_for_the_console_path_only()
    {
        await using var api = await TestApi.StartAsync();
        using var console = Console(api);

        var login = await console.GetAsync("/console/login");
        var signedIn = await console.SignInAsync(api.AccountSid, api.AuthToken);

        Assert.Equal(200, login.Code);
        var csrf = CookieLine(login, ConsoleSession.AntiforgeryCookieName).ToLowerInvariant();
        Assert.Contains("httponly", csrf);
        Assert.Contains("samesite=strict", csrf);
        Assert.Contains("path=/console", csrf);
        Assert.Equal((302, "/console"), (signedIn.Code, signedIn.Location));
        var session = CookieLine(signedIn, ConsoleSession.CookieName).ToLowerInvariant();
        Assert.Contains("httponly", session);
        Assert.Contains("samesite=strict", session);
        Assert.Contains("path=/console", session);
        Assert.DoesNotContain("secure", session);
        // A session cookie: gone when the browser closes.
        Assert.DoesNotContain("expires=", session);
        var home = await console.GetAsync("/console");
        Assert.Equal(200, home.Code);
        Assert.Contains(api.AccountSid, home.Body);
        Assert.Contains("no-store", Assert.Single(HeaderValues(home, "Cache-Control")));
    }

    [Fact]
    public async Task Over_https_both_console_cookies_are_Secure()
    {
        await using var api = await TestApi.StartAsync();
        using var console = Console(api, "https");

        var login = await console.GetAsync("/console/login");
        var signedIn = await console.SignInAsync(api.AccountSid, api.AuthToken);

        Assert.Contains("; secure", CookieLine(login, ConsoleSession.AntiforgeryCookieName).ToLowerInvariant());
        Assert.Equal(302, signedIn.Code);
        Assert.Contains("; secure", CookieLine(signedIn, ConsoleSession.CookieName).ToLowerInvariant());
    }

    [Fact]
    public async Task Pages_without_a_session_redirect_to_the_sign_in_form()
    {
        await using var api = await TestApi.StartAsync();
        using var console = Console(api);

        foreach (var path in new[] { "/console", "/console/audit", $"/console/services/VA{new string('0', 32)}" })
        {
            var response = await console.GetAsync(path);
            Assert.Equal(302, response.Code);
            Assert.StartsWith("http://localhost/console/login?returnUrl=", response.Location);
        }
    }

    [Fact]
    public async Task A_wrong_secret_answers_401_with_the_form_again_and_opens_no_session()
    {
        await using var api = await TestApi.StartAsync();
        using var console = Console(api);

        var refused = await console.SignInAsync(api.AccountSid, api.AuthToken + "0");
        var unknown = await console.SignInAsync("AC" + new string('1', 32), api.AuthToken);
        var malformed = await console.SignInAsync("someone", "x");

        Assert.All(new[] { refused, unknown, malformed }, r =>
        {
            Assert.Equal(401, r.Code);
            Assert.Contains("Wrong SID or secret.", r.Body);
            Assert.DoesNotContain(r.SetCookies, c => c.StartsWith(ConsoleSession.CookieName + "=", StringComparison.Ordinal));
        });
        Assert.DoesNotContain(api.AuthToken, refused.Body);
        Assert.Equal(302, (await console.GetAsync("/console")).Code);
    }

    [Fact]
    public async Task Past_five_wrong_secrets_a_minute_even_the_right_one_answers_429_until_the_window_ends()
    {
        await using var api = await TestApi.StartAsync();
        using var console = Console(api);
        using var otherSid = Console(api);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(401, (await console.SignInAsync(api.AccountSid, "wrong" + i)).Code);
        }

        var limited = await console.SignInAsync(api.AccountSid, api.AuthToken);
        Assert.Equal(429, limited.Code);
        Assert.Contains("Too many wrong sign-ins", limited.Body);
        Assert.Equal("60", Assert.Single(HeaderValues(limited, "Retry-After")));
        // The limit is per SID: another account signing in from the same address is not held up.
        var other = await api.CreateOtherAccountAsync();
        Assert.Equal(302, (await otherSid.SignInAsync(other.User!, other.Secret!)).Code);

        api.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(429, (await console.SignInAsync(api.AccountSid, api.AuthToken)).Code);
        api.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(302, (await console.SignInAsync(api.AccountSid, api.AuthToken)).Code);
    }

    [Fact]
    public async Task A_post_without_the_anti_forgery_token_is_refused_with_400_and_deletes_nothing()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        using var console = Console(api);
        Assert.Equal(302, (await console.SignInAsync(api.AccountSid, api.AuthToken)).Code);
        var deletePage = $"/console/services/{e.ServiceSid}/entities/{e.Identity}/factors/{e.Factor.Sid}/delete";

        var refused = await console.SubmitAsync(deletePage, [], withToken: false);
        var forged = await console.SubmitAsync(deletePage, [new("__RequestVerificationToken", "forged")], withToken: false);

        Assert.Equal(400, refused.Code);
        Assert.Equal(400, forged.Code);
        Assert.Contains("text/html", Assert.Single(HeaderValues(refused, "Content-Type")));
        Assert.Equal(200, (await api.Account.GetAsync(e.FactorPath)).StatusCode);
        Assert.Contains("Nothing yet.", (await console.GetAsync("/console/audit")).Body);
    }

    [Fact]
    public async Task Deleting_a_factor_takes_the_APIs_path_writes_its_event_and_is_audited_with_the_API_key_that_signed_in()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        await api.SubscribeAllEventsAsync(service);
        var e = await api.EnrolAsync(service);
        var (keySid, keySecret) = await CreateApiKeyAsync(api);
        using var console = Console(api);
        Assert.Equal(302, (await console.SignInAsync(keySid, keySecret)).Code);
        var deletePage = $"/console/services/{e.ServiceSid}/entities/{e.Identity}/factors/{e.Factor.Sid}/delete";

        var confirm = await console.GetAsync(deletePage);
        var deleted = await console.SubmitAsync(deletePage, []);

        Assert.Contains("Delete this factor?", confirm.Body);
        Assert.Equal((302, $"/console/services/{e.ServiceSid}/entities/{e.Identity}?done=deleted"), (deleted.Code, deleted.Location));
        Assert.Equal(404, (await api.Account.GetAsync(e.FactorPath)).StatusCode);
        Assert.Equal(["factor.created", "factor.verified", "factor.deleted"], await EventTypesAsync(api, service));
        var audit = await api.Services.GetRequiredService<IAuditLog>().ListAsync(api.AccountSid, new PageQuery(10, true, CursorDirection.None, 0, 0), CancellationToken.None);
        var entry = Assert.Single(audit);
        Assert.Equal((keySid, AuditActions.DeleteFactor, $"{service}/{e.Identity}/{e.Factor.Sid}", api.Clock.GetUtcNow().ToUnixTimeMilliseconds()),
            (entry.Actor, entry.Action, entry.Target, entry.At));
        Assert.Contains(keySid, (await console.GetAsync("/console/audit")).Body);
        // Deleting again: the factor is gone, so it is a 404 and nothing more is audited.
        Assert.Equal(404, (await console.GetAsync(deletePage)).Code);
    }

    [Fact]
    public async Task Disabling_a_webhook_sets_its_status_as_the_API_shows_it_and_is_audited()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var hook = (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", ("FriendlyName", "backend"), ("EventTypes", "*"), ("WebhookUrl", "http://127.0.0.1:9/hook"))).Expect(201).Str("sid")!;
        using var console = Console(api);
        Assert.Equal(302, (await console.SignInAsync(api.AccountSid, api.AuthToken)).Code);
        api.Clock.Advance(TimeSpan.FromMinutes(3));

        var disabled = await console.SubmitAsync($"/console/services/{service}/webhooks/{hook}/disable", []);

        Assert.Equal((302, $"/console/services/{service}?done=disabled"), (disabled.Code, disabled.Location));
        var shown = (await api.Account.GetAsync($"/v2/Services/{service}/Webhooks/{hook}")).Expect(200);
        Assert.Equal("disabled", shown.Str("status"));
        Assert.Equal(Protocol.Wire.TwilioDate.ToWire(api.Clock.GetUtcNow()), shown.Str("date_updated"));
        var audit = await console.GetAsync("/console/audit");
        Assert.Contains(AuditActions.DisableWebhook, audit.Body);
        Assert.Contains($"{service}/{hook}", audit.Body);
    }

    [Fact]
    public async Task Another_accounts_pages_and_actions_answer_404_and_change_nothing()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync("Ours");
        var hook = (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", ("FriendlyName", "ours"), ("EventTypes", "*"), ("WebhookUrl", "http://127.0.0.1:9/hook"))).Expect(201).Str("sid")!;
        var e = await api.EnrolAsync(service);
        var challenge = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var other = await api.CreateOtherAccountAsync();
        using var theirs = Console(api);
        Assert.Equal(302, (await theirs.SignInAsync(other.User!, other.Secret!)).Code);
        var entity = $"/console/services/{service}/entities/{e.Identity}";

        var pages = new[]
        {
            $"/console/services/{service}", $"/console/services/{service}/entities", entity, $"{entity}/challenges/{challenge}",
            $"/console/services/{service}/challenges/{challenge}", $"/console/services/{service}/push-log", $"/console/services/{service}/webhooks/{hook}",
            $"/console/services/{service}/webhooks/{hook}/deliveries/1", $"/console/services/{service}/webhooks/{hook}/deliveries/1/replay",
            $"/console/services/{service}/webhooks/{hook}/disable", $"{entity}/factors/{e.Factor.Sid}/delete",
            "/console/services/not-a-sid", $"{entity}/challenges/YC{new string('0', 32)}",
        };
        foreach (var path in pages)
        {
            var response = await theirs.GetAsync(path);
            Assert.True(response.Code == 404, $"GET {path} answered {response.Code}");
            Assert.DoesNotContain("Ours", response.Body);
            Assert.DoesNotContain(e.Identity, response.Body);
        }

        // Their token on our forms: refused as not found, nothing changed.
        var token = ConsoleHttp.TokenOf((await theirs.GetAsync("/console/login")).Body);
        foreach (var path in new[] { $"{entity}/factors/{e.Factor.Sid}/delete", $"/console/services/{service}/webhooks/{hook}/disable" })
        {
            Assert.Equal(404, (await theirs.PostAsync(path, [new("__RequestVerificationToken", token)])).Code);
        }

        Assert.Equal(200, (await api.Account.GetAsync(e.FactorPath)).StatusCode);
        Assert.Equal("enabled", (await api.Account.GetAsync($"/v2/Services/{service}/Webhooks/{hook}")).Expect(200).Str("status"));
        Assert.DoesNotContain("Ours", (await theirs.GetAsync("/console")).Body);
    }

    [Fact]
    public async Task Rotating_the_auth_token_ends_the_sessions_opened_with_it()
    {
        await using var api = await TestApi.StartAsync();
        using var console = Console(api);
        Assert.Equal(302, (await console.SignInAsync(api.AccountSid, api.AuthToken)).Code);
        Assert.Equal(200, (await console.GetAsync("/console")).Code);

        await api.Services.GetRequiredService<IAccountStore>().SetAuthTokenAsync(api.AccountSid, "rotated" + Guid.NewGuid().ToString("N"), CancellationToken.None);
        // The account row may be reused for a few seconds (RecentRows); past that the session is refused.
        api.Clock.Advance(TimeSpan.FromMinutes(1));

        var after = await console.GetAsync("/console");
        Assert.Equal(302, after.Code);
        Assert.StartsWith("http://localhost/console/login", after.Location);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        await using var api = await TestApi.StartAsync();
        using var console = Console(api);
        Assert.Equal(302, (await console.SignInAsync(api.AccountSid, api.AuthToken)).Code);

        var signedOut = await console.SubmitAsync("/console", [], action: "/console/logout");

        Assert.Equal((302, "/console/login"), (signedOut.Code, signedOut.Location));
        Assert.Equal(302, (await console.GetAsync("/console")).Code);
    }

    [Fact]
    public async Task The_challenge_page_says_why_no_push_was_sent()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var challenge = (await api.CreateChallengeAsync(e)).Str("sid")!;
        using var console = Console(api);
        Assert.Equal(302, (await console.SignInAsync(api.AccountSid, api.AuthToken)).Code);

        var bySid = await console.GetAsync($"/console/services/{e.ServiceSid}/challenges/{challenge}");
        var page = await console.GetAsync(bySid.Location!);

        Assert.Equal((302, $"/console/services/{e.ServiceSid}/entities/{e.Identity}/challenges/{challenge}"), (bySid.Code, bySid.Location));
        Assert.True(page.Code == 200, page.Body);
        Assert.Contains($"The push was never sent: not configured: service {e.ServiceSid} has no fcm credential (set Push.FcmCredentialSid).", page.Body);
        Assert.Contains("not-sent", page.Body);
    }

    [Fact]
    public async Task The_console_answers_404_when_it_is_disabled()
    {
        await using var api = await TestApi.StartAsync(new Dictionary<string, string?> { ["OpenVerify:Console:Enabled"] = "false" });
        using var console = Console(api);

        Assert.Equal(404, (await console.GetAsync("/console/login")).Code);
        Assert.Equal(404, (await console.GetAsync("/console")).Code);
        Assert.Equal(200, (await api.Account.GetAsync("/v2/Services")).StatusCode);
    }

    [Theory]
    [InlineData(false, 404)]
    [InlineData(true, 200)]
    public async Task A_client_that_is_not_on_loopback_gets_404_unless_remote_use_is_allowed(bool allowRemote, int expected)
    {
        await using var api = await TestApi.StartAsync(new Dictionary<string, string?> { ["OpenVerify:Console:AllowRemote"] = allowRemote ? "true" : "false" });

        var remote = await api.Server.SendAsync(http =>
        {
            http.Request.Method = "GET";
            http.Request.Path = "/console/login";
            http.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
        });
        var local = await api.Server.SendAsync(http =>
        {
            http.Request.Method = "GET";
            http.Request.Path = "/console/login";
            http.Connection.RemoteIpAddress = IPAddress.IPv6Loopback;
        });

        Assert.Equal(expected, remote.Response.StatusCode);
        Assert.Equal(200, local.Response.StatusCode);
    }

    private static IEnumerable<string> HeaderValues(ConsoleResponse response, string name) =>
        response.Headers.TryGetValue(name, out var values) ? values : [];

    private static async Task<(string Sid, string Secret)> CreateApiKeyAsync(TestApi api)
    {
        var secret = Guid.NewGuid().ToString("N");
        var key = new ApiKey { Sid = Sid.New(SidPrefix.ApiKey), AccountSid = api.AccountSid, SecretHash = Authenticator.HashSecret(secret), FriendlyName = "ops", DateCreated = api.Clock.GetUtcNow().ToUnixTimeSeconds() };
        await api.Services.GetRequiredService<IAccountStore>().AddKeyAsync(key, CancellationToken.None);
        return (key.Sid, secret);
    }

    private static async Task<List<string>> EventTypesAsync(TestApi api, string service)
    {
        await using var c = await api.Services.GetRequiredService<IDatabase>().OpenReadAsync(CancellationToken.None);
        var payloads = await c.QueryAsync<string>("SELECT payload FROM outbox WHERE kind = 'event' AND subject = @service ORDER BY id", new { service });
        return payloads.Select(p => JsonNode.Parse(p)!["type"]!.GetValue<string>()).ToList();
    }
}
