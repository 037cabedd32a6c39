using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OpenVerify.Protocol.Wire;

namespace OpenVerify.Bench;

/// <summary>The five steps of a flow, in order.</summary>
internal enum Step
{
    Create,
    ListPending,
    Fetch,
    Approve,
    BackendFetch,
}

/// <summary>A step that answered something other than what a correct server answers.</summary>
internal sealed class FlowException(Step step, string message) : Exception(message)
{
    public Step Step { get; } = step;
}

/// <summary>The requests of setup and of one verification flow, over one shared HttpClient.</summary>
internal sealed class VerifyApi : IDisposable
{
    private static readonly MediaTypeHeaderValue Form = new("application/x-www-form-urlencoded");
    private readonly HttpClient http;
    private readonly AuthenticationHeaderValue backend;
    private readonly TimeProvider clock = TimeProvider.System;

    public VerifyApi(string baseUrl, string accountSid, string authToken)
    {
        BaseUrl = baseUrl;
        AccountSid = accountSid;
        backend = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(accountSid + ":" + authToken)));
        http = new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public string BaseUrl { get; }

    public string AccountSid { get; }

    public string ServiceSid { get; set; } = "";

    /// <summary>The backend's Basic header (account SID and auth token).</summary>
    public AuthenticationHeaderValue Backend => backend;

    /// <summary>Creates the benchmark's service.</summary>
    public async Task CreateServiceAsync(CancellationToken cancellationToken)
    {
        using var doc = await SendAsync(Step.Create, HttpMethod.Post, BaseUrl + "/v2/Services", backend, "FriendlyName=OpenVerify+bench", HttpStatusCode.Created, cancellationToken);
        ServiceSid = doc.RootElement.GetProperty("sid").GetString()!;
    }

    /// <summary>Creates the device's push factor (backend credentials) and verifies it (device JWT + DER proof).</summary>
    public async Task EnrolAsync(Device device, CancellationToken cancellationToken)
    {
        var body = "FriendlyName=bench&FactorType=push&Binding.Alg=ES256&Binding.PublicKey=" + Uri.EscapeDataString(device.PublicKey)
            + (device.PushToken is { } pushToken
                ? "&Config.SdkVersion=" + Device.AndroidSdkVersion + "&Config.AppId=com.openverify.bench&Config.NotificationPlatform=fcm&Config.NotificationToken=" + Uri.EscapeDataString(pushToken)
                : "&Config.SdkVersion=bench&Config.AppId=com.openverify.bench&Config.NotificationPlatform=none");
        using (var created = await SendAsync(Step.Create, HttpMethod.Post, FactorsUrl(device), backend, body, HttpStatusCode.Created, cancellationToken))
        {
            device.FactorSid = created.RootElement.GetProperty("sid").GetString()!;
            device.CredentialSid = created.RootElement.GetProperty("config").GetProperty("credential_sid").GetString()!;
            device.AccountSid = created.RootElement.GetProperty("account_sid").GetString()!;
        }

        using var verified = await SendAsync(Step.Create, HttpMethod.Post, FactorsUrl(device) + "/" + device.FactorSid, device.Authorization(clock),
            "AuthPayload=" + Uri.EscapeDataString(device.SignFactorSid()), HttpStatusCode.OK, cancellationToken, UserAgent(device));
        if (verified.RootElement.GetProperty("status").GetString() != FactorStatuses.Verified)
        {
            throw new FlowException(Step.Create, "factor not verified after AuthPayload");
        }
    }

    /// <summary>Runs one flow, recording each step's latency (when <paramref name="recorder"/> is set).</summary>
    public async Task RunFlowAsync(Device device, LatencyRecorder? recorder, CancellationToken cancellationToken)
    {
        var step = Step.Create;
        try
        {
            await RunStepsAsync(device, recorder, s => step = s, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new FlowException(step, e.GetType().Name + ": " + e.Message);
        }
    }

    private async Task RunStepsAsync(Device device, LatencyRecorder? recorder, Action<Step> at, CancellationToken cancellationToken)
    {
        var challenges = ChallengesUrl(device);
        var userAgent = UserAgent(device);

        // 1. The backend asks for approval.
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        string sid;
        using (var created = await SendAsync(Step.Create, HttpMethod.Post, challenges, backend, device.CreateBody ??= CreateBody(device), HttpStatusCode.Created, cancellationToken))
        {
            sid = created.RootElement.GetProperty("sid").GetString()!;
        }

        start = recorder?.Record(Step.Create, start) ?? start;
        at(Step.ListPending);

        // 2. The device lists its pending challenges (what the SDK does after a push, or when polling).
        using (var listed = await SendAsync(Step.ListPending, HttpMethod.Get, challenges + "?FactorSid=" + device.FactorSid + "&Status=pending", device.Authorization(clock), null, HttpStatusCode.OK, cancellationToken, userAgent))
        {
            var found = false;
            foreach (var c in listed.RootElement.GetProperty("challenges").EnumerateArray())
            {
                found |= c.GetProperty("sid").GetString() == sid;
            }

            if (!found)
            {
                throw new FlowException(Step.ListPending, "the new challenge is not in the device's pending list");
            }
        }

        start = recorder?.Record(Step.ListPending, start) ?? start;
        at(Step.Fetch);

        // 3. The device fetches it and 4. approves, signing the fields the server names.
        string authPayload;
        using (var request = new HttpRequestMessage(HttpMethod.Get, challenges + "/" + sid))
        {
            request.Headers.Authorization = device.Authorization(clock);
            if (userAgent is not null)
            {
                request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
            }

            using var response = await http.SendAsync(request, cancellationToken);
            using var fetched = await ReadAsync(Step.Fetch, response, HttpStatusCode.OK, cancellationToken);
            var fields = response.Headers.TryGetValues(VerifyHeaders.SignatureFields, out var values) ? values.First() : null;
            if (fields is null || fetched.RootElement.GetProperty("status").GetString() != ChallengeStatuses.Pending)
            {
                throw new FlowException(Step.Fetch, "a pending challenge without Twilio-Verify-Signature-Fields");
            }

            authPayload = device.SignApproval(fetched.RootElement, fields, ChallengeStatuses.Approved);
        }

        start = recorder?.Record(Step.Fetch, start) ?? start;
        at(Step.Approve);

        using (var approved = await SendAsync(Step.Approve, HttpMethod.Post, challenges + "/" + sid, device.Authorization(clock), "AuthPayload=" + authPayload, HttpStatusCode.OK, cancellationToken, userAgent))
        {
            RequireStatus(Step.Approve, approved, ChallengeStatuses.Approved);
        }

        start = recorder?.Record(Step.Approve, start) ?? start;
        at(Step.BackendFetch);

        // 5. The backend sees the answer.
        using (var seen = await SendAsync(Step.BackendFetch, HttpMethod.Get, challenges + "/" + sid, backend, null, HttpStatusCode.OK, cancellationToken))
        {
            RequireStatus(Step.BackendFetch, seen, ChallengeStatuses.Approved);
        }

        recorder?.Record(Step.BackendFetch, start);
    }

    public void Dispose() => http.Dispose();

    private static void RequireStatus(Step step, JsonDocument challenge, string status)
    {
        var actual = challenge.RootElement.GetProperty("status").GetString();
        if (actual != status)
        {
            throw new FlowException(step, $"status {actual}, expected {status}");
        }
    }

    private static string CreateBody(Device device) =>
        "FactorSid=" + device.FactorSid
        + "&Details.Message=" + Uri.EscapeDataString("Log in to OpenVerify bench?")
        + "&Details.Fields=" + Uri.EscapeDataString("""{"label":"Location","value":"Lisbon, PT"}""")
        + "&Details.Fields=" + Uri.EscapeDataString("""{"label":"IP","value":"203.0.113.7"}""")
        + "&HiddenDetails=" + Uri.EscapeDataString("""{"request_id":"bench"}""");

    private string FactorsUrl(Device device) => BaseUrl + "/v2/Services/" + ServiceSid + "/Entities/" + device.Identity + "/Factors";

    private string ChallengesUrl(Device device) => BaseUrl + "/v2/Services/" + ServiceSid + "/Entities/" + device.Identity + "/Challenges";

    /// <summary>The SDK's User-Agent for Android devices' requests; bench devices send none.</summary>
    private static string? UserAgent(Device device) => device.Flavour == DeviceFlavour.Android ? Device.AndroidUserAgent : null;

    private async Task<JsonDocument> SendAsync(Step step, HttpMethod method, string url, AuthenticationHeaderValue auth, string? body, HttpStatusCode expected,
        CancellationToken cancellationToken, string? userAgent = null)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = auth;
        if (userAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = Form;
        }

        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync(step, response, expected, cancellationToken);
    }

    private static async Task<JsonDocument> ReadAsync(Step step, HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (response.StatusCode != expected)
        {
            var text = Encoding.UTF8.GetString(bytes);
            throw new FlowException(step, $"HTTP {(int)response.StatusCode}: {(text.Length > 300 ? text[..300] : text)}");
        }

        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new FlowException(step, "response is not JSON: " + e.Message);
        }
    }
}
