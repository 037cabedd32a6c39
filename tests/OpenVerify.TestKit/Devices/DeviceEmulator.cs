using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Encodings.Web;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.TestKit.Devices;

/// <summary>
/// A faithful emulator of the Twilio Verify Push device SDKs on the wire (docs/protocol/device.md §1–§5),
/// in an Android and an iOS flavour (Appendix A). It works over any <see cref="HttpClient"/>: an
/// in-process test server or a real process. Its clock is a <see cref="TimeProvider"/> plus a settable
/// <see cref="ClockOffset"/> (a device whose clock is wrong), corrected like the SDKs from the
/// <c>Date</c> of a 401 (<see cref="TimeCorrection"/>). Every exchange is kept in <see cref="Exchanges"/>.
/// Note: Android refuses plain http; the emulator does not, so it can run against a test server.
/// </summary>
public sealed class DeviceEmulator
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly HttpClient http;
    private readonly string baseUrl;
    private readonly TimeProvider clock;
    private readonly List<DeviceExchange> exchanges = [];
    private readonly Random dictionaryOrder;

    /// <summary>Creates a device talking to <paramref name="baseUrl"/> (ending in <c>/v2/</c>; default: the client's BaseAddress + <c>v2/</c>).</summary>
    public DeviceEmulator(HttpClient http, DeviceFlavour flavour, TimeProvider? clock = null, Uri? baseUrl = null, int seed = 1)
    {
        this.http = http;
        Flavour = flavour;
        this.clock = clock ?? TimeProvider.System;
        var root = baseUrl ?? new Uri(http.BaseAddress ?? throw new ArgumentException("HttpClient has no BaseAddress; pass baseUrl"), "v2/");
        this.baseUrl = root.ToString().EndsWith('/') ? root.ToString() : root + "/";
        dictionaryOrder = new Random(seed);
        SdkVersion = flavour == DeviceFlavour.Android ? "0.9.0" : "3.0.2";
        AppId = flavour == DeviceFlavour.Android ? "com.openverify.emulator" : "com.openverify.Emulator";
        UserAgent = flavour == DeviceFlavour.Android
            ? $"OpenVerify Emulator; Android; 1.0; 1; Android 14 (34); Pixel 8; VerifySDK; {SdkVersion}; 2013"
            : $"OpenVerifyEmulator; iOS; 1.0; 1; iOS 17.5; iPhone; TwilioVerify; {SdkVersion}; 1";
    }

    /// <summary>Android or iOS.</summary>
    public DeviceFlavour Flavour { get; }

    /// <summary><c>Config.SdkVersion</c>: 0.9.0 (Android) or 3.0.2 (iOS).</summary>
    public string SdkVersion { get; }

    /// <summary><c>Config.AppId</c>: package name or bundle identifier.</summary>
    public string AppId { get; set; }

    /// <summary>The User-Agent line the SDK builds.</summary>
    public string UserAgent { get; set; }

    /// <summary>The push token (FCM or APNs); null or empty means <c>NotificationPlatform=none</c>.</summary>
    public string? PushToken { get; set; } = "f" + new string('0', 63);

    /// <summary>How wrong the device's clock is (added to the TimeProvider's time).</summary>
    public TimeSpan ClockOffset { get; set; }

    /// <summary>Seconds added to local time, learned from a 401's <c>Date</c> (the SDKs persist it).</summary>
    public long TimeCorrection { get; set; }

    /// <summary>Sign the next JWTs in iOS's rare 63-byte form (docs/protocol/device.md §3.2).</summary>
    public bool ForceShortSignature { get; set; }

    /// <summary>Every request sent and the response to it, oldest first.</summary>
    public IReadOnlyList<DeviceExchange> Exchanges => exchanges;

    /// <summary>The last response received.</summary>
    public DeviceResponse? LastResponse => exchanges.Count == 0 ? null : exchanges[^1].Response;

    /// <summary><c>now</c> as the SDK computes it: local time plus the stored correction, Unix seconds.</summary>
    public long Now => LocalSeconds + TimeCorrection;

    private long LocalSeconds => (clock.GetUtcNow() + ClockOffset).ToUnixTimeSeconds();

    private string Platform => string.IsNullOrEmpty(PushToken) ? "none" : Flavour == DeviceFlavour.Android ? "fcm" : "apn";

    // ---- R1–R4: factors -------------------------------------------------------------------------

    /// <summary>R1: generates a P-256 key and creates a push factor with an enrolment access token.</summary>
    public async Task<DeviceFactor> CreateFactorAsync(string serviceSid, string identity, string accessToken, string friendlyName = "Emulated phone",
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = new List<KeyValuePair<string, string>> { new("FriendlyName", friendlyName), new("FactorType", "push") };
        var dictionary = new List<KeyValuePair<string, string>>
        {
            new("Binding.PublicKey", P256PublicKey.Export(key)),
            new("Binding.Alg", "ES256"),
            new("Config.SdkVersion", SdkVersion),
            new("Config.AppId", AppId),
            new("Config.NotificationPlatform", Platform),
        };
        if (Platform != "none")
        {
            dictionary.Add(new("Config.NotificationToken", PushToken!));
        }

        parameters.AddRange(Flavour == DeviceFlavour.Android ? dictionary : dictionary.OrderBy(_ => dictionaryOrder.Next()));
        if (metadata is not null)
        {
            parameters.Add(new("Metadata", JsonSerializer.Serialize(metadata, Compact)));
        }

        var response = await SendAsync(HttpMethod.Post, $"Services/{serviceSid}/Entities/{identity}/Factors", parameters, accessToken, cancellationToken);
        if (!response.IsSuccess)
        {
            key.Dispose();
            throw new DeviceException(DeviceErrorKind.Network, "create factor failed", response);
        }

        var json = MapObject(response);
        var status = RequiredString(json, "status", response);
        if (Flavour == DeviceFlavour.Ios && status is not ("verified" or "unverified"))
        {
            throw new DeviceException(DeviceErrorKind.Mapper, "status must be verified or unverified", response);
        }

        RequireDate(json, "date_created", response);
        RequiredString(json, "friendly_name", response);
        CheckMetadata(json, response);
        var credential = json["config"] is JsonObject config ? StringOf(config["credential_sid"]) : null;
        return new DeviceFactor(
            RequiredString(json, "sid", response), credential ?? throw new DeviceException(DeviceErrorKind.Mapper, "config.credential_sid missing", response),
            RequiredString(json, "account_sid", response), serviceSid, identity, friendlyName, status, key);
    }

    /// <summary>R2: proves the key by signing the factor SID; returns and stores the reported status.</summary>
    public async Task<string> VerifyFactorAsync(DeviceFactor factor, CancellationToken cancellationToken = default)
    {
        var payload = SdkSignatures.VerifyFactorPayload(factor.Key, factor.Sid);
        var response = await SendWithJwtAsync(factor, HttpMethod.Post, FactorPath(factor), [new("AuthPayload", payload)], cancellationToken);
        var json = MapObject(response);
        var status = RequiredString(json, "status", response);
        if (Flavour == DeviceFlavour.Ios && status is not ("verified" or "unverified"))
        {
            throw new DeviceException(DeviceErrorKind.Mapper, "status must be verified or unverified", response);
        }

        // Note: Android maps an unknown status to unverified and still reports success.
        factor.Status = status == "verified" ? "verified" : "unverified";
        return factor.Status;
    }

    /// <summary>R3: resends name and config with a new push token (null: platform none, token cleared).</summary>
    public async Task<JsonObject> UpdateFactorAsync(DeviceFactor factor, string? pushToken, CancellationToken cancellationToken = default)
    {
        var hasToken = !string.IsNullOrEmpty(pushToken) && (Flavour == DeviceFlavour.Ios || !string.IsNullOrWhiteSpace(pushToken));
        var dictionary = new List<KeyValuePair<string, string>>
        {
            new("Config.SdkVersion", SdkVersion),
            new("Config.AppId", AppId),
            new("Config.NotificationPlatform", hasToken ? (Flavour == DeviceFlavour.Android ? "fcm" : "apn") : "none"),
        };
        if (hasToken)
        {
            dictionary.Add(new("Config.NotificationToken", pushToken!));
        }

        var parameters = new List<KeyValuePair<string, string>> { new("FriendlyName", factor.FriendlyName) };
        parameters.AddRange(Flavour == DeviceFlavour.Android ? dictionary : dictionary.OrderBy(_ => dictionaryOrder.Next()));
        var response = await SendWithJwtAsync(factor, HttpMethod.Post, FactorPath(factor), parameters, cancellationToken);
        var json = MapObject(response);
        RequiredString(json, "sid", response);
        if (json["config"] is not JsonObject config || StringOf(config["credential_sid"]) is null)
        {
            throw new DeviceException(DeviceErrorKind.Mapper, "config.credential_sid missing", response);
        }

        return json;
    }

    /// <summary>R4: deletes the factor; 404 counts as done, and so does a 401 on the retry (docs/protocol/device.md §1.6).</summary>
    public async Task DeleteFactorAsync(DeviceFactor factor, CancellationToken cancellationToken = default)
    {
        var path = FactorPath(factor);
        var first = await SendAsync(HttpMethod.Delete, path, [], CreateDeviceJwt(factor), cancellationToken);
        if (first.IsSuccess || first.StatusCode == 404)
        {
            return;
        }

        if (first.StatusCode != 401 || !TrySyncClock(first))
        {
            throw new DeviceException(DeviceErrorKind.Network, "delete factor failed", first);
        }

        var retry = await SendAsync(HttpMethod.Delete, path, [], CreateDeviceJwt(factor), cancellationToken);
        if (!(retry.IsSuccess || retry.StatusCode is 404 or 401))
        {
            throw new DeviceException(DeviceErrorKind.Network, "delete factor failed", retry);
        }
    }

    /// <summary>R8 (Android only): the service, with the factor's JWT.</summary>
    public async Task<JsonObject> GetServiceAsync(DeviceFactor factor, CancellationToken cancellationToken = default)
    {
        var response = await SendWithJwtAsync(factor, HttpMethod.Get, $"Services/{factor.ServiceSid}", [], cancellationToken);
        var json = MapObject(response);
        foreach (var name in (string[])["sid", "account_sid", "friendly_name"])
        {
            RequiredString(json, name, response);
        }

        RequireDate(json, "date_created", response);
        RequireDate(json, "date_updated", response);
        return json;
    }

    // ---- R5–R7: challenges ----------------------------------------------------------------------

    /// <summary>R5: the challenge body and its signature-fields header (Android: first line; iOS: lines joined with ", ").</summary>
    public async Task<DeviceChallenge> GetChallengeAsync(DeviceFactor factor, string challengeSid, CancellationToken cancellationToken = default)
    {
        var response = await SendWithJwtAsync(factor, HttpMethod.Get, $"{EntityPath(factor)}/Challenges/{challengeSid}", [], cancellationToken);
        var json = MapObject(response);
        MapChallenge(json, response);
        var lines = response.HeaderValues("Twilio-Verify-Signature-Fields");
        var fields = lines.Count == 0 ? null : Flavour == DeviceFlavour.Android ? lines[0] : string.Join(", ", lines);
        return new DeviceChallenge(json, fields, response);
    }

    /// <summary>R6: one page of the factor's challenges; the page tokens are read from the meta URLs' <c>PageToken</c>.</summary>
    public async Task<DeviceChallengePage> ListChallengesAsync(DeviceFactor factor, int pageSize, string? status = null, string order = "asc",
        string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var query = Flavour == DeviceFlavour.Android
            ? new List<KeyValuePair<string, string>> { new("PageSize", pageSize.ToString(CultureInfo.InvariantCulture)), new("FactorSid", factor.Sid), new("Order", order) }
            : [new("FactorSid", factor.Sid), new("PageSize", pageSize.ToString(CultureInfo.InvariantCulture)), new("Order", order)];
        if (status is not null)
        {
            query.Add(new("Status", status));
        }

        if (pageToken is not null)
        {
            query.Add(new(Flavour == DeviceFlavour.Android ? "PageToken" : "pageToken", pageToken));
        }

        var response = await SendWithJwtAsync(factor, HttpMethod.Get, $"{EntityPath(factor)}/Challenges?{FormEncoding.Encode(Flavour, query)}", [], cancellationToken);
        var json = MapObject(response);
        if (json["challenges"] is not JsonArray array || json["meta"] is not JsonObject meta)
        {
            throw new DeviceException(DeviceErrorKind.Mapper, "challenges and meta are required", response);
        }

        var challenges = new List<JsonObject>();
        foreach (var item in array)
        {
            var challenge = item as JsonObject ?? throw new DeviceException(DeviceErrorKind.Mapper, "challenge is not an object", response);
            MapChallenge(challenge, response);
            challenges.Add(challenge);
        }

        var page = IntOf(meta["page"]) ?? throw new DeviceException(DeviceErrorKind.Mapper, "meta.page must be an integer", response);
        var size = IntOf(meta["page_size"]) ?? throw new DeviceException(DeviceErrorKind.Mapper, "meta.page_size must be an integer", response);
        return new DeviceChallengePage(challenges, page, size, PageTokenOf(meta["previous_page_url"]), PageTokenOf(meta["next_page_url"]), response);
    }

    /// <summary>The SDK's <c>updateChallenge</c>: R5, the checks of docs/protocol/device.md §4, R7 with a signed AuthPayload, R5 again.</summary>
    public async Task UpdateChallengeAsync(DeviceFactor factor, string challengeSid, string status, CancellationToken cancellationToken = default)
    {
        var authPayload = await PrepareAnswerAsync(factor, challengeSid, status, cancellationToken);
        var answer = await SendAnswerAsync(factor, challengeSid, authPayload, cancellationToken);
        if (!answer.IsSuccess)
        {
            throw new DeviceException(DeviceErrorKind.Network, "update challenge failed", answer);
        }

        var updated = await GetChallengeAsync(factor, challengeSid, cancellationToken);
        if (StringOf(updated.Body["status"]) != status)
        {
            throw new DeviceException(DeviceErrorKind.Input, "Challenge was not updated", updated.Response, DeviceInputReason.NotUpdatedChallenge);
        }
    }

    /// <summary>Approves (<paramref name="approve"/>) or denies a challenge: R5 → R7 → R5 with the checks of docs/protocol/device.md §4.</summary>
    public Task ApproveOrDenyAsync(DeviceFactor factor, string challengeSid, bool approve, CancellationToken cancellationToken = default) =>
        UpdateChallengeAsync(factor, challengeSid, approve ? "approved" : "denied", cancellationToken);

    /// <summary>Approves a challenge (R5 → R7 → R5).</summary>
    public Task ApproveAsync(DeviceFactor factor, string challengeSid, CancellationToken cancellationToken = default) =>
        UpdateChallengeAsync(factor, challengeSid, "approved", cancellationToken);

    /// <summary>Denies a challenge (R5 → R7 → R5).</summary>
    public Task DenyAsync(DeviceFactor factor, string challengeSid, CancellationToken cancellationToken = default) =>
        UpdateChallengeAsync(factor, challengeSid, "denied", cancellationToken);

    /// <summary>
    /// Steps 1–2 of <see cref="UpdateChallengeAsync"/>: R5, the checks, and the signed AuthPayload JWT.
    /// <paramref name="extra"/> adds members a Twilio SDK never signs (OpenVerify's <c>number_match</c>, <c>reported</c>).
    /// </summary>
    public async Task<string> PrepareAnswerAsync(DeviceFactor factor, string challengeSid, string status, CancellationToken cancellationToken = default,
        IReadOnlyDictionary<string, JsonNode?>? extra = null)
    {
        var challenge = await GetChallengeAsync(factor, challengeSid, cancellationToken);
        var body = challenge.Body;
        if (StringOf(body["factor_sid"]) != factor.Sid)
        {
            throw new DeviceException(DeviceErrorKind.Input, "Wrong factor", challenge.Response, DeviceInputReason.WrongFactor);
        }

        switch (StringOf(body["status"]))
        {
            case "pending":
                break;
            case "expired":
                throw new DeviceException(DeviceErrorKind.Input, "Expired challenge", challenge.Response, DeviceInputReason.ExpiredChallenge);
            default:
                throw new DeviceException(DeviceErrorKind.Input, "Challenge already updated", challenge.Response, DeviceInputReason.AlreadyUpdatedChallenge);
        }

        if (string.IsNullOrEmpty(challenge.SignatureFields))
        {
            throw new DeviceException(DeviceErrorKind.Input, "Signature fields or response not set", challenge.Response, DeviceInputReason.SignatureFields);
        }

        var names = challenge.SignatureFields.Split(',');
        if (Flavour == DeviceFlavour.Ios)
        {
            names = names.OrderBy(_ => dictionaryOrder.Next()).ToArray();
        }

        var payload = new JsonObject();
        foreach (var name in names)
        {
            if (!body.TryGetPropertyValue(name, out var value))
            {
                throw new DeviceException(DeviceErrorKind.Input, $"{name} is not in the response", challenge.Response, DeviceInputReason.SignatureFields);
            }

            payload[name] = Flavour == DeviceFlavour.Ios ? Reordered(value) : value?.DeepClone();
        }

        payload["status"] = status;
        foreach (var (name, value) in extra ?? new Dictionary<string, JsonNode?>())
        {
            payload[name] = value?.DeepClone();
        }

        // Note: both SDKs pass an empty header map; Android's org.json keeps typ, alg order, iOS's dictionary does not.
        var header = Flavour == DeviceFlavour.Android ? """{"typ":"JWT","alg":"ES256"}""" : """{"alg":"ES256","typ":"JWT"}""";
        return SignJwt(factor.Key, header, ToSdkJson(payload));
    }

    /// <summary>Step 3 alone: R7 with the given AuthPayload (clock-sync retry included); the response is returned, never thrown.</summary>
    public Task<DeviceResponse> SendAnswerAsync(DeviceFactor factor, string challengeSid, string authPayload, CancellationToken cancellationToken = default) =>
        SendWithJwtAsync(factor, HttpMethod.Post, $"{EntityPath(factor)}/Challenges/{challengeSid}", [new("AuthPayload", authPayload)], cancellationToken, throwOnFailure: false);

    // ---- device JWT and transport ---------------------------------------------------------------

    /// <summary>
    /// The device-auth JWT (docs/protocol/device.md §2): header <c>cty, kid, typ, alg</c> (Android order; iOS another), payload
    /// <c>sub, exp=now+600, nbf=now</c>. <paramref name="tamper"/> changes claims for negative tests.
    /// </summary>
    public string CreateDeviceJwt(DeviceFactor factor, JwtOverrides? tamper = null)
    {
        var now = Now;
        var kid = tamper?.Kid ?? factor.CredentialSid;
        var sub = tamper?.Sub ?? factor.AccountSid;
        var exp = tamper?.Exp ?? now + 600;
        var nbf = tamper?.Nbf ?? now;
        var header = Flavour == DeviceFlavour.Android
            ? $$"""{"cty":"twilio-pba;v=1","kid":"{{kid}}","typ":"JWT","alg":"ES256"}"""
            : $$"""{"alg":"ES256","kid":"{{kid}}","cty":"twilio-pba;v=1","typ":"JWT"}""";
        var payload = Flavour == DeviceFlavour.Android
            ? $$"""{"sub":"{{sub}}","exp":{{exp}},"nbf":{{nbf}}}"""
            : $$"""{"nbf":{{nbf}},"exp":{{exp}},"sub":"{{sub}}"}""";
        var jwt = SignJwt(tamper?.SigningKey ?? factor.Key, header, payload);
        if (tamper?.CorruptSignature == true)
        {
            var dot = jwt.LastIndexOf('.');
            var signature = Base64UrlBytes(jwt[(dot + 1)..]);
            signature[10] ^= 0x01;
            jwt = jwt[..(dot + 1)] + Base64Url.Encode(signature);
        }

        return jwt;
    }

    /// <summary>
    /// A JWT-authenticated call with the SDK's single clock-sync retry: a 401 carrying <c>Date</c>
    /// sets <see cref="TimeCorrection"/>, and the request is re-signed and sent once more.
    /// </summary>
    public async Task<DeviceResponse> SendWithJwtAsync(DeviceFactor factor, HttpMethod method, string relativePath,
        IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken = default, bool throwOnFailure = true)
    {
        var response = await SendAsync(method, relativePath, parameters, CreateDeviceJwt(factor), cancellationToken);
        if (response.StatusCode == 401 && TrySyncClock(response))
        {
            response = await SendAsync(method, relativePath, parameters, CreateDeviceJwt(factor), cancellationToken);
        }

        return throwOnFailure && !response.IsSuccess ? throw new DeviceException(DeviceErrorKind.Network, "Exception while calling the API", response) : response;
    }

    /// <summary>
    /// One request exactly as the SDK sends it: <c>Authorization: Basic token:&lt;secret&gt;</c>, the SDK
    /// User-Agent, <c>Accept</c> (form type for GET, JSON otherwise) and a form <c>Content-Type</c> on
    /// every method, GET and DELETE included. Parameters go in the body, encoded per flavour.
    /// </summary>
    public async Task<DeviceResponse> SendAsync(HttpMethod method, string relativePath, IReadOnlyList<KeyValuePair<string, string>> parameters,
        string basicSecret, CancellationToken cancellationToken = default)
    {
        var url = baseUrl + relativePath;
        if (Flavour == DeviceFlavour.Ios)
        {
            // iOS percent-encodes the whole URL with urlQueryAllowed (already-escaped '%' is left alone).
            url = string.Concat(url.Select(c => c == '%' ? "%" : FormEncoding.Ios(c.ToString())));
        }

        var body = FormEncoding.Encode(Flavour, parameters);
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("token:" + basicSecret)));
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.TryAddWithoutValidation("Accept", method == HttpMethod.Get ? "application/x-www-form-urlencoded" : "application/json");
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        var sentHeaders = request.Headers.Concat(request.Content.Headers).ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var captured = new DeviceResponse((int)response.StatusCode, text, response.Headers, response.Content.Headers);
        lock (exchanges)
        {
            exchanges.Add(new DeviceExchange(method.Method, url, sentHeaders, body, captured));
        }

        return captured;
    }

    private bool TrySyncClock(DeviceResponse response)
    {
        var date = response.Header("Date");
        if (date is null)
        {
            return false;
        }

        if (DateTimeOffset.TryParseExact(date, "ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var server))
        {
            TimeCorrection = server.ToUnixTimeSeconds() - LocalSeconds;
            return true;
        }

        // Note: iOS skips the update but still retries; Android ends in NetworkError.
        return Flavour == DeviceFlavour.Ios;
    }

    private string SignJwt(ECDsa key, string headerJson, string payloadJson)
    {
        var input = Base64Url.Encode(Encoding.UTF8.GetBytes(headerJson)) + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(payloadJson));
        var data = Encoding.ASCII.GetBytes(input);
        byte[] signature;
        if (Flavour == DeviceFlavour.Ios && ForceShortSignature)
        {
            signature = SdkSignatures.ForcedShortConcat(key, data);
        }
        else
        {
            var der = SdkSignatures.SignDer(key, data);
            signature = Flavour == DeviceFlavour.Android ? SdkSignatures.AndroidConcat(der) : SdkSignatures.IosConcat(der);
        }

        return input + "." + Base64Url.Encode(signature);
    }

    /// <summary>org.json / JSONSerialization output: compact, with <c>/</c> escaped as <c>\/</c>.</summary>
    private static string ToSdkJson(JsonNode node) => node.ToJsonString(Compact).Replace("/", "\\/", StringComparison.Ordinal);

    private JsonNode? Reordered(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(_ => dictionaryOrder.Next()).Select(p => KeyValuePair.Create(p.Key, Reordered(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Reordered).ToArray()),
        _ => node?.DeepClone(),
    };

    private static byte[] Base64UrlBytes(string text) => Base64Url.TryDecode(text, out var bytes) ? bytes : throw new FormatException("not base64url");

    private static string FactorPath(DeviceFactor factor) => $"{EntityPath(factor)}/Factors/{factor.Sid}";

    private static string EntityPath(DeviceFactor factor) => $"Services/{factor.ServiceSid}/Entities/{factor.Identity}";

    // ---- response mapping (docs/protocol/device.md §5) --------------------------------------------

    private static JsonObject MapObject(DeviceResponse response)
    {
        try
        {
            return JsonNode.Parse(response.Body) as JsonObject ?? throw new DeviceException(DeviceErrorKind.Mapper, "body is not a JSON object", response);
        }
        catch (JsonException)
        {
            throw new DeviceException(DeviceErrorKind.Mapper, "body is not strict JSON", response);
        }
    }

    private void MapChallenge(JsonObject json, DeviceResponse response)
    {
        RequiredString(json, "sid", response);
        RequiredString(json, "factor_sid", response);
        var status = RequiredString(json, "status", response);
        if (Flavour == DeviceFlavour.Ios && status is not ("pending" or "approved" or "denied" or "expired"))
        {
            throw new DeviceException(DeviceErrorKind.Mapper, "unknown challenge status", response);
        }

        RequireDate(json, "date_created", response);
        RequireDate(json, "date_updated", response);
        RequireDate(json, "expiration_date", response);
        if (json["details"] is not JsonObject details || StringOf(details["message"]) is null)
        {
            throw new DeviceException(DeviceErrorKind.Mapper, "details.message is required", response);
        }

        if (details["fields"] is JsonArray fields && fields.Any(f => f is not JsonObject o || o["label"] is null || o["value"] is null))
        {
            throw new DeviceException(DeviceErrorKind.Mapper, "details.fields entries need label and value", response);
        }

        if (details["date"] is JsonValue date && StringOf(date) is { Length: > 0 } text && Flavour == DeviceFlavour.Android && !IsRfc3339(text))
        {
            throw new DeviceException(DeviceErrorKind.Mapper, "details.date does not parse", response);
        }

        if (json["hidden_details"] is { } hidden && (hidden is not JsonObject o || o.Any(p => p.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)))
        {
            throw new DeviceException(DeviceErrorKind.Mapper, "hidden_details must be an object of strings", response);
        }
    }

    private void CheckMetadata(JsonObject json, DeviceResponse response)
    {
        if (json["metadata"] is { } metadata && (metadata is not JsonObject o || o.Any(p => p.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)))
        {
            throw new DeviceException(DeviceErrorKind.Mapper, "metadata must be an object of strings", response);
        }
    }

    private static string RequiredString(JsonObject json, string name, DeviceResponse response) =>
        StringOf(json[name]) ?? throw new DeviceException(DeviceErrorKind.Mapper, $"{name} is required", response);

    private static void RequireDate(JsonObject json, string name, DeviceResponse response)
    {
        if (!IsRfc3339(StringOf(json[name])))
        {
            throw new DeviceException(DeviceErrorKind.Mapper, $"{name} is not an RFC 3339 date the SDKs parse", response);
        }
    }

    /// <summary>What both SDK date parsers accept: whole seconds, <c>Z</c> (or a negative offset on Android).</summary>
    private static bool IsRfc3339(string? text) =>
        text is not null && DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:sszzz"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);

    private static string? StringOf(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static int? IntOf(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) ? i : null;

    /// <summary>The case-sensitive <c>PageToken</c> query parameter of a meta URL (Android <c>getQueryParameter</c>).</summary>
    private static string? PageTokenOf(JsonNode? url)
    {
        if (StringOf(url) is not { } text || !Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return null;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
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

/// <summary>Changes to a device JWT for negative tests.</summary>
public sealed record JwtOverrides
{
    /// <summary>Replaces <c>sub</c>.</summary>
    public string? Sub { get; init; }
    /// <summary>Replaces <c>exp</c> (Unix seconds).</summary>
    public long? Exp { get; init; }
    /// <summary>Replaces <c>nbf</c> (Unix seconds).</summary>
    public long? Nbf { get; init; }
    /// <summary>Replaces <c>kid</c>.</summary>
    public string? Kid { get; init; }
    /// <summary>Signs with another key.</summary>
    public ECDsa? SigningKey { get; init; }
    /// <summary>Flips a bit of the signature.</summary>
    public bool CorruptSignature { get; init; }
}

/// <summary>R5's result: the body as parsed JSON and the raw signature-fields header value.</summary>
public sealed record DeviceChallenge(JsonObject Body, string? SignatureFields, DeviceResponse Response);

/// <summary>R6's result, as the SDK's <c>ChallengeList</c>.</summary>
public sealed record DeviceChallengePage(IReadOnlyList<JsonObject> Challenges, int Page, int PageSize, string? PreviousPageToken, string? NextPageToken, DeviceResponse Response);

/// <summary>One request the device sent and what came back.</summary>
public sealed record DeviceExchange(string Method, string Url, IReadOnlyDictionary<string, string> Headers, string Body, DeviceResponse Response);
