using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenVerify.AppBackend;
using OpenVerify.AppBackend.AccessTokens;
using OpenVerify.AppBackend.Logins;
using OpenVerify.AppBackend.Users;
using OpenVerify.AppBackend.Verify;
using OpenVerify.AppBackend.Webhooks;
using OpenVerify.Client;
using OpenVerify.Server.Factors.Totp;
using Spectre.Console;
using Twilio.Rest.Verify.V2;

namespace OpenVerify.Cli.Demo;

/// <summary>
/// The quickstart end to end, in one process: an OpenVerify server, the sample app backend
/// (the OpenVerify.AppBackend library, which reaches the server only through Twilio's C# helper)
/// and a simulated device (OpenVerify.Client). Registers
/// a device, then logs in three times (approved, denied, silently approved), then once on a service
/// with number matching (an OpenVerify extension), then with a TOTP code as the fallback, printing each step and the webhooks the backend received. Returns 0 when every step passed, else 1.
/// </summary>
public sealed class DemoRun(IAnsiConsole console, TimeSpan timeout, TimeProvider clock)
{
    private const string Username = "alice";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private int passed;

    /// <summary>Steps that passed.</summary>
    public int Passed => passed;

    /// <summary>Changes the sample backend's settings before it starts (tests use it to break a step).</summary>
    public Action<AppBackendOptions>? ConfigureBackend { get; init; }

    /// <summary>Runs the demo; 0 when every step passed.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        console.Write(new Rule("[bold]OpenVerify demo[/]").LeftJustified());
        try
        {
            await RunStepsAsync(cancellationToken);
        }
        catch (DemoStepFailed failed)
        {
            console.MarkupLine($"[red bold]Demo failed[/] at \"{Markup.Escape(failed.Step)}\" after {passed} step(s) passed.");
            return 1;
        }

        console.MarkupLine($"[green bold]Demo passed:[/] all {passed} steps succeeded.");
        return 0;
    }

    private async Task RunStepsAsync(CancellationToken ct)
    {
        Section("Setup");
        await using var server = await StepAsync("Starting the OpenVerify server (in-process, temporary SQLite file)",
            () => DemoServer.StartAsync(ct),
            s => $"OpenVerify server on [blue]{s.Url}[/] (SQLite {Markup.Escape(s.DatabasePath)}), account {s.AccountSid}");

        var admin = VerifyRestClient.Create(server.Url, server.AccountSid, server.AuthToken);
        var service = await StepAsync("Creating a Verify service with Twilio's C# helper",
            () => ServiceResource.CreateAsync(friendlyName: "OpenVerify demo", client: admin),
            s => $"Service {s.Sid} \"{Markup.Escape(s.FriendlyName)}\" created with Twilio's C# helper (ServiceResource.CreateAsync)");

        var backendOptions = new AppBackendOptions
        {
            OpenVerifyUrl = server.Url.ToString(),
            AccountSid = server.AccountSid,
            AuthToken = server.AuthToken,
            ServiceSid = service.Sid,
            AppName = "Example App",
        };
        ConfigureBackend?.Invoke(backendOptions);
        await using var backend = await StepAsync("Starting the sample app backend",
            () => AppBackendHost.StartAsync(backendOptions, cancellationToken: ct),
            b => $"App backend on [blue]{b.Url}[/], webhook {b.WebhookSid} for every event → {b.Url}webhooks");

        using var deviceApp = Browser(backend.Url, "ExampleApp/1.0 (simulated device)");
        using var device = VerifyClient.Builder()
            .WithBaseUrl(server.ApiBaseUrl)
            .WithKeyStore(new InMemoryKeyStore())
            .WithFactorStore(new InMemoryFactorStore())
            .WithTimeProvider(clock)
            .WithDevice(new DeviceInfo { AppName = "Example App", AppId = "com.example.app", AppVersion = "1.0.0", Model = "Simulated device" })
            .Build();

        Section("Registration");
        var me = await StepAsync($"{Username} signs in to the app on the device",
            () => PostJsonAsync<LoginApi.Me>(deviceApp, "/login", new LoginApi.LoginRequest(Username, "alice-demo"), ct),
            m => $"{m.Username} signed in on the device (demo password); the backend knows them as identity [yellow]{m.Identity}[/]");
        var token = await StepAsync("Asking the backend for an enrolment access token",
            () => PostJsonAsync<AccessTokensApi.AccessTokenResponse>(deviceApp, "/accessTokens", null, ct),
            t => $"POST /accessTokens → token for identity {t.Identity}, service {t.ServiceSid}, factor type {t.FactorType}");
        Require(token.Identity == me.Identity, "the access token is for the signed-in user's identity");
        var factor = await StepAsync("Registering the device's key (create factor)",
            () => device.CreateFactorAsync(new PushFactorPayload("Alice's demo device", token.ServiceSid, token.Identity, PushToken: null, token.Token), ct),
            f => $"Factor {f.Sid} created ({f.Status.ToString().ToLowerInvariant()}); no push token, so the device polls for challenges");
        factor = await StepAsync("Proving the key (verify factor)",
            () => device.VerifyFactorAsync(new VerifyPushFactorPayload(factor.Sid), ct),
            f => $"Factor {f.Sid} is {f.Status.ToString().ToLowerInvariant()}");
        Require(factor.Status == FactorStatus.Verified, "the factor is verified");
        await WebhookAsync(backend, "factor.created", w => w.FactorSid == factor.Sid, ct);
        await WebhookAsync(backend, "factor.verified", w => w.FactorSid == factor.Sid, ct);

        Section("Log in with push: approved");
        await PushLoginAsync(backend, device, factor.Sid, ChallengeStatus.Approved, ct);

        Section("Log in with push: denied");
        await PushLoginAsync(backend, device, factor.Sid, ChallengeStatus.Denied, ct);

        Section("Silent device approval");
        var started = await StepAsync("The app on the device starts a login itself",
            () => PostJsonAsync<PushLoginApi.PushLoginStatus>(deviceApp, "/login/push", new PushLoginApi.PushLoginRequest(Username), ct),
            s => $"POST /login/push → challenge {s.ChallengeSid}, transaction {s.TransactionId} in hidden details");
        await StepAsync("Approving silently on the device (matched by the transaction id, no prompt)",
            () => device.ApproveSilentlyAsync(SilentApproval.ForTransaction(factor.Sid, PushLogins.TransactionKey, started.TransactionId), cancellationToken: ct),
            c => $"Challenge {c.Sid} approved silently: its hidden {PushLogins.TransactionKey} matched");
        var silent = await OutcomeAsync(deviceApp, started, ct);
        Require(silent.Status == "approved", "the silent login is approved");
        await WebhookAsync(backend, "challenge.approved", w => w.ChallengeSid == started.ChallengeSid, ct);

        Section("Log in with number matching (OpenVerify extension)");
        await NumberMatchedLoginAsync(server, admin, device, ct);

        Section("Fallback: log in with a TOTP code (the phone is offline)");
        await TotpFallbackLoginAsync(deviceApp, backend, ct);

        Section("Webhook security");
        var forged = await StepAsync("Posting a webhook with a forged signature",
            () => ForgeWebhookAsync(deviceApp, ct),
            status => $"The backend refused a forged challenge.approved webhook with {(int)status} (Twilio's RequestValidator)");
        Require(forged == HttpStatusCode.Forbidden, "a forged webhook is refused with 403");

        Section("Webhooks received");
        var table = new Table().AddColumns("#", "type", "challenge", "status");
        var n = 0;
        foreach (var w in backend.Webhooks.All)
        {
            table.AddRow((++n).ToString(System.Globalization.CultureInfo.InvariantCulture), w.Type, w.ChallengeSid ?? "", w.ChallengeStatus ?? "");
        }

        console.Write(table);
        console.MarkupLine($"{backend.Webhooks.All.Count} signed webhook(s) accepted, {backend.Webhooks.Rejected} refused.");
    }

    /// <summary>A new browser asks to log in; the device finds the challenge, shows it and answers.</summary>
    private async Task PushLoginAsync(AppBackendHost backend, VerifyClient device, string factorSid, ChallengeStatus answer, CancellationToken ct)
    {
        using var browser = Browser(backend.Url, "Mozilla/5.0 (demo browser)");
        var started = await StepAsync($"A browser asks to log in as {Username}",
            () => PostJsonAsync<PushLoginApi.PushLoginStatus>(browser, "/login/push", new PushLoginApi.PushLoginRequest(Username), ct),
            s => $"POST /login/push → challenge {s.ChallengeSid} sent to factor {s.FactorSid} (transaction {s.TransactionId})");
        var challenge = await StepAsync("Waiting for the challenge on the device",
            () => FindPendingAsync(device, factorSid, started.ChallengeSid, ct),
            c => $"The device shows \"{Markup.Escape(c.ChallengeDetails.Message)}\" "
                + Markup.Escape(string.Join(", ", c.ChallengeDetails.Fields.Select(f => $"[{f.Label}: {f.Value}]"))));
        var verb = answer == ChallengeStatus.Approved ? "approves" : "denies";
        await StepAsync($"The user {verb} on the device",
            () => device.UpdateChallengeAsync(new UpdatePushChallengePayload(factorSid, challenge.Sid, answer), ct),
            c => $"The user {verb}: challenge {c.Sid} is now {c.Status.ToString().ToLowerInvariant()} (signed ES256 AuthPayload)");
        var outcome = await OutcomeAsync(browser, started, ct);
        var expected = answer == ChallengeStatus.Approved ? "approved" : "denied";
        Require(outcome.Status == expected, $"the backend reports {expected}");
        Require(outcome.SignedIn == (answer == ChallengeStatus.Approved), answer == ChallengeStatus.Approved ? "the browser is signed in" : "the browser is not signed in");
        var session = await StepAsync("Checking the browser's session",
            () => browser.GetAsync("/me", ct),
            r => r.IsSuccessStatusCode ? $"GET /me → {(int)r.StatusCode}: the browser is signed in as {Username}" : $"GET /me → {(int)r.StatusCode}: no session");
        Require(session.IsSuccessStatusCode == (answer == ChallengeStatus.Approved), "the session matches the outcome");
        await WebhookAsync(backend, "challenge." + expected, w => w.ChallengeSid == started.ChallengeSid, ct);
    }

    /// <summary>
    /// A login on a second service with <c>Push.NumberMatching</c>: the backend shows a number next to the
    /// login, the device offers three and the user picks the one on the screen, signed with the approval.
    /// Note: Twilio's helper knows no such setting or field, so this backend part is plain HTTP.
    /// </summary>
    private async Task NumberMatchedLoginAsync(DemoServer server, Twilio.Clients.ITwilioRestClient admin, VerifyClient device, CancellationToken ct)
    {
        using var api = new HttpClient { BaseAddress = server.ApiBaseUrl };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(server.AccountSid + ":" + server.AuthToken)));
        var service = await StepAsync("Creating a service with Push.NumberMatching=true",
            () => PostFormAsync(api, "Services", [new("FriendlyName", "OpenVerify demo (number matching)"), new("Push.NumberMatching", "true")], ct),
            s => $"Service {s.GetProperty("sid").GetString()} created; push.number_matching is {s.GetProperty("push").GetProperty("number_matching").GetBoolean().ToString().ToLowerInvariant()}");
        var serviceSid = service.GetProperty("sid").GetString()!;
        var identity = "alice-numbers";
        var token = await StepAsync("Enrolling the device on it",
            () => Twilio.Rest.Verify.V2.Service.AccessTokenResource.CreateAsync(serviceSid, identity, Twilio.Rest.Verify.V2.Service.AccessTokenResource.FactorTypesEnum.Push, client: admin),
            t => $"Access token {t.Sid} for identity {identity}");
        var factor = await device.CreateFactorAsync(new PushFactorPayload("Alice's demo device", serviceSid, identity, PushToken: null, token.Token), ct);
        factor = await StepAsync("Proving the key (verify factor)",
            () => device.VerifyFactorAsync(new VerifyPushFactorPayload(factor.Sid), ct),
            f => $"Factor {f.Sid} is {f.Status.ToString().ToLowerInvariant()}");
        var created = await StepAsync("A browser asks to log in; the backend creates the challenge",
            () => PostFormAsync(api, $"Services/{serviceSid}/Entities/{identity}/Challenges", [new("FactorSid", factor.Sid), new("Details.Message", "Log in to Example App?")], ct),
            c => $"Challenge {c.GetProperty("sid").GetString()}: the login screen shows [bold yellow]{c.GetProperty("number_match").GetInt32()}[/]");
        var number = created.GetProperty("number_match").GetInt32();
        var challenge = await StepAsync("Waiting for the challenge on the device",
            () => FindPendingAsync(device, factor.Sid, created.GetProperty("sid").GetString()!, ct),
            c => $"The device offers {string.Join(", ", c.NumberChoices ?? [])} and asks which one the login screen shows");
        Require(challenge.NumberChoices?.Contains(number) == true, "the right number is among the device's choices");
        var approved = await StepAsync($"The user picks {number} and approves",
            () => device.UpdateChallengeAsync(new UpdatePushChallengePayload(factor.Sid, challenge.Sid, ChallengeStatus.Approved) { Number = number }, ct),
            c => $"Challenge {c.Sid} is now {c.Status.ToString().ToLowerInvariant()}: the number was signed with the approval");
        Require(approved.Status == ChallengeStatus.Approved, "the number-matched login is approved");
    }

    /// <summary>
    /// The fallback when the phone cannot answer: the signed-in user enrols an authenticator app (a
    /// TOTP factor on the same entity, by its Key URI), proves it with a first code, and a browser then
    /// logs in with a code. The authenticator is simulated with the Key URI, as
    /// <c>openverify device totp code</c> does.
    /// </summary>
    private async Task TotpFallbackLoginAsync(HttpClient deviceApp, AppBackendHost backend, CancellationToken ct)
    {
        var enrolment = await StepAsync($"{Username} adds an authenticator app in the app's settings",
            () => PostJsonAsync<TotpLoginApi.TotpEnrolment>(deviceApp, "/totp", null, ct),
            e => $"POST /totp → TOTP factor {e.FactorSid}; the app shows its Key URI once as a QR code ({Markup.Escape(e.Uri.Split('?')[0])}?secret=…)");
        var key = TotpKeyUri.TryParse(enrolment.Uri);
        Require(key is not null, "the Key URI is an otpauth://totp/ URI with a base32 secret");
        var authenticator = new Authenticator(key!, clock);
        var first = authenticator.Code(0);
        var verified = await StepAsync("Typing the authenticator's first code to prove it",
            () => PostJsonAsync<TotpLoginApi.TotpCodeStatus>(deviceApp, "/totp/verify", new TotpLoginApi.TotpVerifyRequest(enrolment.FactorSid, first), ct),
            v => $"POST /totp/verify → the TOTP factor is {v.Status} ({key!.Config.CodeLength} digits every {key.Config.TimeStep} s, {key.Config.Alg})");
        Require(verified.Status == "verified", "the TOTP factor is verified");

        using var browser = Browser(backend.Url, "Mozilla/5.0 (demo browser)");
        var wrong = await StepAsync("A browser tries to log in with a wrong code",
            () => PostStatusAsync(browser, "/login/totp", new TotpLoginApi.TotpLoginRequest(Username, authenticator.WrongCode()), ct),
            status => $"POST /login/totp with a wrong code → {(int)status}: OpenVerify denied the challenge");
        Require(wrong == HttpStatusCode.Unauthorized, "a wrong code is refused with 401");
        var replayed = await StepAsync("Replaying the code that verified the factor",
            () => PostStatusAsync(browser, "/login/totp", new TotpLoginApi.TotpLoginRequest(Username, first), ct),
            status => $"POST /login/totp with the code already used → {(int)status}: a code is accepted once per window");
        Require(replayed == HttpStatusCode.Unauthorized, "a replayed code is refused with 401");
        // Note: the next step's code is within the server's skew (one step by default), so the demo need not wait for it.
        var login = await StepAsync("Logging in with the authenticator's next code",
            () => PostJsonAsync<TotpLoginApi.TotpCodeStatus>(browser, "/login/totp", new TotpLoginApi.TotpLoginRequest(Username, authenticator.Code(1)), ct),
            l => $"POST /login/totp → challenge {l.Status}" + (l.SignedIn ? $"; session started for {Username}" : ""));
        Require(login.Status == "approved" && login.SignedIn, "the TOTP login is approved and signs the browser in");

        // The backend hears of TOTP factors and challenges by webhook like any other.
        string[] expected = ["factor.created", "factor.verified", "challenge.denied", "challenge.denied", "challenge.approved"];
        var received = await StepAsync("Waiting for the TOTP factor's webhooks",
            () => WebhooksOfAsync(backend, enrolment.FactorSid, expected.Length, ct),
            types => "[grey]webhook[/] " + string.Join(", ", types) + " received for the TOTP factor, signatures valid");
        Require(received.Order(StringComparer.Ordinal).SequenceEqual(expected.Order(StringComparer.Ordinal)), "the TOTP factor's webhooks are " + string.Join(", ", expected));
    }

    /// <summary>The types of the first <paramref name="count"/> webhooks about <paramref name="factorSid"/>, in the order they came.</summary>
    private async Task<List<string>> WebhooksOfAsync(AppBackendHost backend, string factorSid, int count, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var types = new List<string>();
        while (types.Count < count)
        {
            var next = await backend.Webhooks.WaitForAsync(w => w.FactorSid == factorSid && !seen.Contains(w.Uuid), timeout, clock, ct)
                ?? throw new TimeoutException($"{types.Count} of {count} webhooks for factor {factorSid} within {timeout.TotalSeconds:0} s");
            seen.Add(next.Uuid);
            types.Add(next.Type);
        }

        return types;
    }

    /// <summary>The demo's authenticator app: codes for a Key URI at the demo's clock.</summary>
    private sealed class Authenticator(TotpKeyUri key, TimeProvider clock)
    {
        private long Step => TotpCode.StepAt(clock.GetUtcNow().ToUnixTimeSeconds(), key.Config.TimeStep);

        /// <summary>The code <paramref name="stepsAhead"/> steps after the current one.</summary>
        public string Code(int stepsAhead) => TotpCode.Compute(Base32.TryDecode(key.Secret)!, key.Config.Alg, Step + stepsAhead, key.Config.CodeLength);

        /// <summary>A code that no step of the server's window accepts.</summary>
        public string WrongCode()
        {
            var window = Enumerable.Range(-3, 7).Select(Code).ToHashSet(StringComparer.Ordinal);
            var candidate = new string('0', key.Config.CodeLength);
            for (var n = 1; window.Contains(candidate); n++)
            {
                candidate = n.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(key.Config.CodeLength, '0');
            }

            return candidate;
        }
    }

    private static async Task<HttpStatusCode> PostStatusAsync(HttpClient client, string path, object body, CancellationToken ct)
    {
        using var response = await client.PostAsync(path, JsonContent.Create(body, options: Json), ct);
        return response.StatusCode;
    }

    private static async Task<JsonElement> PostFormAsync(HttpClient client, string path, IEnumerable<KeyValuePair<string, string>> form, CancellationToken ct)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await client.PostAsync(path, content, ct);
        return await ReadAsync<JsonElement>(response, "POST " + path, ct);
    }

    private Task<PushLoginApi.PushLoginStatus> OutcomeAsync(HttpClient client, PushLoginApi.PushLoginStatus started, CancellationToken ct) =>
        StepAsync("Waiting for the backend to learn the outcome",
            () => GetJsonAsync<PushLoginApi.PushLoginStatus>(client, $"/login/push/{started.TransactionId}?wait={(int)Math.Ceiling(timeout.TotalSeconds)}", ct),
            s => $"The backend learnt [bold]{s.Status}[/] by {s.DecidedBy ?? "nothing yet"}" + (s.SignedIn ? $"; session started for {Username}" : ""));

    private async Task<Challenge> FindPendingAsync(VerifyClient device, string factorSid, string challengeSid, CancellationToken ct)
    {
        // Note: a factor without a push token gets no push; the app polls its pending challenges instead.
        var deadline = clock.GetUtcNow() + timeout;
        while (true)
        {
            var page = await device.GetAllChallengesAsync(new ChallengeListPayload(factorSid, 20, ChallengeStatus.Pending, ChallengeListOrder.Desc), ct);
            if (page.Challenges.FirstOrDefault(c => c.Sid == challengeSid) is { } found)
            {
                return found;
            }

            if (clock.GetUtcNow() >= deadline)
            {
                throw new TimeoutException($"challenge {challengeSid} did not reach the device within {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), clock, ct);
        }
    }

    private Task WebhookAsync(AppBackendHost backend, string type, Func<ReceivedWebhook, bool> match, CancellationToken ct) =>
        StepAsync($"Waiting for the {type} webhook",
            async () => await backend.Webhooks.WaitForAsync(w => w.Type == type && match(w), timeout, clock, ct)
                ?? throw new TimeoutException($"no {type} webhook within {timeout.TotalSeconds:0} s"),
            w => $"[grey]webhook[/] {w.Type} received, X-Twilio-Signature valid (uuid {w.Uuid})");

    private static async Task<HttpStatusCode> ForgeWebhookAsync(HttpClient client, CancellationToken ct)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["type"] = "challenge.approved", ["challenge_sid"] = "YC00000000000000000000000000000000" });
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhooksApi.Path) { Content = content };
        request.Headers.Add("X-Twilio-Signature", "bm90IGEgc2lnbmF0dXJl");
        using var response = await client.SendAsync(request, ct);
        return response.StatusCode;
    }

    private async Task<T> StepAsync<T>(string doing, Func<Task<T>> action, Func<T, string> done)
    {
        T result;
        try
        {
            result = await console.Status().Spinner(Spinner.Known.Dots).StartAsync(Markup.Escape(doing) + "…", _ => action());
        }
        catch (Exception e) when (e is not OperationCanceledException and not DemoStepFailed)
        {
            console.MarkupLine($"[red]✗[/] {Markup.Escape(doing)}: {Markup.Escape(e.Message)}");
            throw new DemoStepFailed(doing);
        }

        passed++;
        console.MarkupLine("[green]✓[/] " + done(result));
        return result;
    }

    private void Require(bool condition, string what)
    {
        if (!condition)
        {
            console.MarkupLine($"[red]✗[/] expected: {Markup.Escape(what)}");
            throw new DemoStepFailed(what);
        }
    }

    private void Section(string title) => console.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified());

    /// <summary>An HTTP client with its own cookie jar: a browser, or the app on the device.</summary>
    private static HttpClient Browser(Uri backend, string userAgent)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = backend };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        return client;
    }

    private static async Task<T> PostJsonAsync<T>(HttpClient client, string path, object? body, CancellationToken ct)
    {
        using var response = await client.PostAsync(path, body is null ? null : JsonContent.Create(body, options: Json), ct);
        return await ReadAsync<T>(response, "POST " + path, ct);
    }

    private static async Task<T> GetJsonAsync<T>(HttpClient client, string path, CancellationToken ct)
    {
        using var response = await client.GetAsync(path, ct);
        return await ReadAsync<T>(response, "GET " + path, ct);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{what} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }

        return await response.Content.ReadFromJsonAsync<T>(Json, ct) ?? throw new JsonException($"{what} answered an empty body");
    }

    private sealed class DemoStepFailed(string step) : Exception(step)
    {
        public string Step { get; } = step;
    }
}
