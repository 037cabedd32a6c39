using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.EndToEnd.Tests.Devices;

/// <summary>
/// A phone running Twilio's Android Verify SDK 0.9.0, reduced to what it puts on the wire
/// (device-protocol.md §1–§5, Appendix A "Android" column): Basic <c>token:…</c> auth, the SDK's four
/// headers on every request, <c>Uri.encode</c>-style form bodies, device JWTs with keys in the order
/// cty,kid,typ,alg / sub,exp,nbf, the single clock-sync retry on a 401 that carries <c>Date</c>, and
/// the three-step challenge update. The device's own clock can be set off by <see cref="ClockSkew"/>.
/// Note: a stand-in until the shared TestKit emulator lands; it signs only with the Protocol helpers.
/// </summary>
internal sealed class EmulatedDevice : IDisposable
{
    public const string SdkVersion = "0.9.0";
    public const string UserAgent = "OpenVerify E2E; Android; 1.0.0; 1; Android 14 (34); Pixel 8; VerifySDK; 0.9.0; 2013";

    // org.json writes non-ASCII and '&' as they are; only the '/' escape is added (AndroidJson).
    private static readonly JsonSerializerOptions OrgJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly HttpClient http;
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly TimeProvider clock;
    private long timeCorrection;

    public EmulatedDevice(Uri baseUrl, TimeProvider? clock = null)
    {
        BaseUrl = baseUrl;
        this.clock = clock ?? TimeProvider.System;
        http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
        {
            Timeout = TimeSpan.FromSeconds(20),
        };
    }

    /// <summary>The SDK base URL, <c>…/v2/</c> (a phone keeps the same one across server restarts).</summary>
    public Uri BaseUrl { get; }

    /// <summary>How far the phone's own clock is off from real time.</summary>
    public TimeSpan ClockSkew { get; set; }

    /// <summary>The correction learnt from a server <c>Date</c> header (SharedPreferences <c>timeCorrection</c>).</summary>
    public long TimeCorrectionSeconds => timeCorrection;

    /// <summary>How many times the single 401 clock-sync retry was taken.</summary>
    public int ClockSyncRetries { get; private set; }

    public string AppId { get; init; } = "com.example.openverify.e2e";

    public LocalFactor? Factor { get; private set; }

    /// <summary>R1: create the push factor with the enrolment access token.</summary>
    public async Task<JsonObject> CreateFactorAsync(string serviceSid, string identity, string accessToken, string friendlyName, string? pushToken = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var publicKey = P256PublicKey.Export(key);
        var body = new List<KeyValuePair<string, string>>
        {
            new("FriendlyName", friendlyName),
            new("FactorType", "push"),
            new("Binding.PublicKey", publicKey),
            new("Binding.Alg", "ES256"),
            new("Config.SdkVersion", SdkVersion),
            new("Config.AppId", AppId),
            new("Config.NotificationPlatform", string.IsNullOrWhiteSpace(pushToken) ? "none" : "fcm"),
        };
        if (!string.IsNullOrWhiteSpace(pushToken))
        {
            body.Add(new("Config.NotificationToken", pushToken));
        }

        if (metadata is not null)
        {
            body.Add(new("Metadata", AndroidJson(JsonSerializer.Serialize(metadata))));
        }

        var path = $"Services/{serviceSid}/Entities/{identity}/Factors";
        // Note: create is authenticated with the access token, so no clock-sync retry applies (R1).
        using var response = await SendOnceAsync(HttpMethod.Post, path, body, "token:" + accessToken);
        var json = await ReadSuccessAsync(response);
        var config = json["config"]!.AsObject();
        Factor = new LocalFactor(
            json["sid"]!.GetValue<string>(), json["account_sid"]!.GetValue<string>(), serviceSid, identity,
            config["credential_sid"]!.GetValue<string>(), json["status"]!.GetValue<string>());
        return json;
    }

    /// <summary>R2: verify the factor with base64(DER ECDSA over the factor SID).</summary>
    public async Task<string> VerifyFactorAsync()
    {
        var factor = RequireFactor();
        var authPayload = Convert.ToBase64String(Es256.SignDer(key, Encoding.UTF8.GetBytes(factor.Sid)));
        var json = await SendAsync(HttpMethod.Post, FactorPath(factor), [new("AuthPayload", authPayload)]);
        var status = json["status"]!.GetValue<string>();
        Factor = factor with { Status = status };
        return status;
    }

    /// <summary>R6: list challenges (Android query order PageSize, FactorSid, Order, [Status], [PageToken]).</summary>
    public async Task<ChallengePage> ListChallengesAsync(int pageSize, string order, string? status = null, string? pageToken = null)
    {
        var factor = RequireFactor();
        var query = new List<KeyValuePair<string, string>>
        {
            new("PageSize", pageSize.ToString(CultureInfo.InvariantCulture)),
            new("FactorSid", factor.Sid),
            new("Order", order),
        };
        if (status is not null)
        {
            query.Add(new("Status", status));
        }

        if (pageToken is not null)
        {
            query.Add(new("PageToken", pageToken));
        }

        var json = await SendAsync(HttpMethod.Get, $"Services/{factor.ServiceSid}/Entities/{factor.Identity}/Challenges?" + Encode(query), []);
        var meta = json["meta"]!.AsObject();
        return new ChallengePage(
            json["challenges"]!.AsArray().Select(c => c!.AsObject()).ToList(),
            meta["page"]!.GetValue<int>(),
            meta["page_size"]!.GetValue<int>(),
            PageTokenOf(meta["previous_page_url"]),
            PageTokenOf(meta["next_page_url"]));
    }

    /// <summary>R5: get one challenge, with the signature-fields header it came with.</summary>
    public async Task<(JsonObject Challenge, string? SignatureFields)> GetChallengeAsync(string challengeSid)
    {
        var factor = RequireFactor();
        var (json, headers) = await SendWithHeadersAsync(HttpMethod.Get, ChallengePath(factor, challengeSid), []);
        // Android: headers["Twilio-Verify-Signature-Fields"].first(): only the first line counts.
        var fields = headers.TryGetValues("Twilio-Verify-Signature-Fields", out var values) ? values.FirstOrDefault() : null;
        return (json, fields);
    }

    /// <summary>
    /// <c>updateChallenge</c>: R5, then R7 with a JWS over the advertised fields plus the new status,
    /// then R5 again; succeeds only if the second GET shows the requested status (§4).
    /// </summary>
    public async Task UpdateChallengeAsync(string challengeSid, string newStatus)
    {
        var factor = RequireFactor();
        var (challenge, fieldsHeader) = await GetChallengeAsync(challengeSid);
        if (challenge["factor_sid"]?.GetValue<string>() != factor.Sid)
        {
            throw new DeviceInputException("WrongFactor");
        }

        var status = challenge["status"]!.GetValue<string>();
        if (status == "expired")
        {
            throw new DeviceInputException("ExpiredChallenge");
        }

        if (status != "pending")
        {
            throw new DeviceInputException("AlreadyUpdatedChallenge");
        }

        if (string.IsNullOrEmpty(fieldsHeader))
        {
            throw new DeviceInputException("SignatureFields: Signature fields or response not set");
        }

        // Header list split on "," without trimming; each value copied as JSON; status last.
        var payload = new JsonObject();
        foreach (var name in fieldsHeader.Split(','))
        {
            if (!challenge.TryGetPropertyValue(name, out var value))
            {
                throw new DeviceInputException($"Signature field {name} missing from the response");
            }

            payload[name] = value?.DeepClone();
        }

        payload["status"] = newStatus;
        var authPayload = CompactJws.SignEs256(key, """{"typ":"JWT","alg":"ES256"}""", AndroidJson(payload.ToJsonString(OrgJson)));
        await SendAsync(HttpMethod.Post, ChallengePath(factor, challengeSid), [new("AuthPayload", authPayload)], readBody: false);
        var (updated, _) = await GetChallengeAsync(challengeSid);
        if (updated["status"]?.GetValue<string>() != newStatus)
        {
            throw new DeviceInputException("NotUpdatedChallenge: Challenge was not updated");
        }
    }

    /// <summary>R4: delete; 404 counts as done, and so does a 401 on the retry.</summary>
    public async Task DeleteFactorAsync()
    {
        var factor = RequireFactor();
        using var first = await SendOnceAsync(HttpMethod.Delete, FactorPath(factor), [], "token:" + DeviceJwt(factor));
        if (first.IsSuccessStatusCode || first.StatusCode == HttpStatusCode.NotFound)
        {
            Factor = null;
            return;
        }

        if (first.StatusCode == HttpStatusCode.Unauthorized && SyncClock(first))
        {
            using var retry = await SendOnceAsync(HttpMethod.Delete, FactorPath(factor), [], "token:" + DeviceJwt(factor));
            if (retry.IsSuccessStatusCode || retry.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized)
            {
                Factor = null;
                return;
            }

            throw await DeviceNetworkException.FromAsync(retry);
        }

        throw await DeviceNetworkException.FromAsync(first);
    }

    public void Dispose()
    {
        http.Dispose();
        key.Dispose();
    }

    private LocalFactor RequireFactor() => Factor ?? throw new InvalidOperationException("The device has no factor");

    private static string FactorPath(LocalFactor f) => $"Services/{f.ServiceSid}/Entities/{f.Identity}/Factors/{f.Sid}";

    private static string ChallengePath(LocalFactor f, string challengeSid) => $"Services/{f.ServiceSid}/Entities/{f.Identity}/Challenges/{challengeSid}";

    /// <summary>The corrected device time: local clock (with its skew) plus the learnt correction.</summary>
    private long Now() => (clock.GetUtcNow() + ClockSkew).ToUnixTimeSeconds() + timeCorrection;

    /// <summary>§2: header cty,kid,typ,alg; payload sub,exp,nbf in integer seconds; raw r‖s.</summary>
    private string DeviceJwt(LocalFactor factor)
    {
        var now = Now();
        var header = $$"""{"cty":"twilio-pba;v=1","kid":"{{factor.CredentialSid}}","typ":"JWT","alg":"ES256"}""";
        var payload = $$"""{"sub":"{{factor.AccountSid}}","exp":{{now + 600}},"nbf":{{now}}}""";
        return CompactJws.SignEs256(key, header, payload);
    }

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, List<KeyValuePair<string, string>> body, bool readBody = true) =>
        (await SendWithHeadersAsync(method, path, body, readBody)).Json;

    /// <summary>A JWT-authenticated call with the SDK's single clock-sync retry (§1.6).</summary>
    private async Task<(JsonObject Json, HttpResponseHeaders Headers)> SendWithHeadersAsync(HttpMethod method, string path, List<KeyValuePair<string, string>> body, bool readBody = true)
    {
        var factor = RequireFactor();
        var response = await SendOnceAsync(method, path, body, "token:" + DeviceJwt(factor));
        try
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized && SyncClock(response))
            {
                response.Dispose();
                ClockSyncRetries++;
                // The JWT is regenerated with the corrected time, then the request repeated once.
                response = await SendOnceAsync(method, path, body, "token:" + DeviceJwt(factor));
            }

            var json = readBody ? await ReadSuccessAsync(response) : await EnsureSuccessAsync(response);
            return (json, response.Headers);
        }
        finally
        {
            response.Dispose();
        }
    }

    /// <summary>
    /// timeCorrection = parse(Date) − local time, when the 401 carries a Date header that parses as
    /// <c>EEE, dd MMM yyyy HH:mm:ss zzz</c>; Android gives up (NetworkError) when it does not.
    /// </summary>
    private bool SyncClock(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Date", out var values))
        {
            return false;
        }

        if (!DateTimeOffset.TryParseExact(values.First(), "ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var serverTime))
        {
            return false;
        }

        timeCorrection = serverTime.ToUnixTimeSeconds() - (clock.GetUtcNow() + ClockSkew).ToUnixTimeSeconds();
        return true;
    }

    /// <summary>One HTTP exchange with exactly the SDK's four headers (§1.2).</summary>
    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, string path, List<KeyValuePair<string, string>> body, string basic)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseUrl.AbsoluteUri + path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.TryAddWithoutValidation("Accept", method == HttpMethod.Get ? "application/x-www-form-urlencoded" : "application/json");
        // Content-Type goes on every method, GET and DELETE included, even with no body.
        request.Content = new ByteArrayContent(method == HttpMethod.Post ? Encoding.UTF8.GetBytes(Encode(body)) : []);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        return await http.SendAsync(request);
    }

    private static async Task<JsonObject> ReadSuccessAsync(HttpResponseMessage response)
    {
        await EnsureSuccessAsync(response);
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text)?.AsObject() ?? throw new DeviceNetworkException((int)response.StatusCode, text);
    }

    private static async Task<JsonObject> EnsureSuccessAsync(HttpResponseMessage response)
    {
        // Both SDKs: success is any status below 300.
        if ((int)response.StatusCode >= 300)
        {
            throw await DeviceNetworkException.FromAsync(response);
        }

        return [];
    }

    /// <summary>Android <c>Uri.Builder.appendQueryParameter</c>: everything outside A-Za-z0-9_-!.~'()* is escaped.</summary>
    public static string Encode(IEnumerable<KeyValuePair<string, string>> pairs) =>
        string.Join("&", pairs.Select(p => AndroidEscape(p.Key) + "=" + AndroidEscape(p.Value)));

    private static string AndroidEscape(string value)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '!' or '.' or '~' or '\'' or '(' or ')' or '*')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>org.json escapes '/' as '\/'; '/' only ever occurs inside JSON strings.</summary>
    private static string AndroidJson(string json) => json.Replace("/", "\\/", StringComparison.Ordinal);

    /// <summary>The SDK takes the page token from the <c>PageToken</c> parameter of a page URL (case-sensitive).</summary>
    private static string? PageTokenOf(JsonNode? url)
    {
        if (url is null || url.GetValue<string>() is not { Length: > 0 } text)
        {
            return null;
        }

        var query = new Uri(text, UriKind.Absolute).Query.TrimStart('?');
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0 && pair[..eq] == "PageToken")
            {
                return Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return null;
    }
}

/// <summary>What the SDK keeps locally about its factor.</summary>
internal sealed record LocalFactor(string Sid, string AccountSid, string ServiceSid, string Identity, string CredentialSid, string Status);

/// <summary>The SDK's <c>ChallengeList</c>.</summary>
internal sealed record ChallengePage(IReadOnlyList<JsonObject> Challenges, int Page, int PageSize, string? PreviousPageToken, string? NextPageToken);

/// <summary>The SDK's NetworkError (60401) with its FailureResponse.</summary>
internal sealed class DeviceNetworkException(int statusCode, string body)
    : Exception($"{{60401}} Exception while calling the API: HTTP {statusCode} {body}")
{
    public int StatusCode { get; } = statusCode;

    public string Body { get; } = body;

    /// <summary>The Twilio error code in the body, if any.</summary>
    public int? Code
    {
        get
        {
            try
            {
                return JsonNode.Parse(Body)?["code"]?.GetValue<int>();
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    public static async Task<DeviceNetworkException> FromAsync(HttpResponseMessage response) =>
        new((int)response.StatusCode, await response.Content.ReadAsStringAsync());
}

/// <summary>The SDK's InputError (60404) with the named cause.</summary>
internal sealed class DeviceInputException(string cause) : Exception("{60404} " + cause);
