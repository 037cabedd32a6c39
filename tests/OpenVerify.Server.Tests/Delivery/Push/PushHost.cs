using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenVerify.Protocol.Sids;
using OpenVerify.Protocol.Signing;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Tests.Delivery.Push;

/// <summary>
/// The push tests' server: a private <see cref="TestApi"/> whose push endpoints point at the stand-ins,
/// with the helpers those tests share (credentials from <see cref="TestKeys"/>, factors stored directly,
/// device JWTs, the push rows of the outbox). Hosted services are not started: tests drive the worker.
/// </summary>
public sealed class PushHost : IAsyncDisposable
{
    private readonly TestApi api;

    private PushHost(TestApi api)
    {
        this.api = api;
        Client = ClientFor("Basic", api.AccountSid + ":" + api.AuthToken);
    }

    /// <summary>The fake clock.</summary>
    public FakeTimeProvider Clock => api.Clock;

    /// <summary>Where the server keeps its data; a server started on it shares it (a restart, a fleet).</summary>
    public TestApiStorage Storage => api.Storage;

    /// <summary>The server's services.</summary>
    public IServiceProvider Services => api.Services;

    /// <summary>The outbox worker, driven by hand.</summary>
    public OutboxWorker Worker => api.Worker;

    /// <summary>An API client with the account's Basic credentials.</summary>
    public HttpClient Client { get; }

    /// <summary>The account.</summary>
    public string AccountSid => api.AccountSid;

    /// <summary>The account's auth token.</summary>
    public string AuthToken => api.AuthToken;

    /// <summary>
    /// Starts a server on <paramref name="storage"/> (new when null) and, when given, an
    /// <paramref name="account"/> already there.
    /// </summary>
    public static async Task<PushHost> StartAsync(PushStandIns standIns, TestKeys keys, TestApiStorage? storage = null, FakeTimeProvider? clock = null,
        Dictionary<string, string?>? settings = null, (string Sid, string Token)? account = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["OpenVerify:Push:FcmBaseUrl"] = standIns.HttpBase,
            ["OpenVerify:Push:GoogleTokenUrl"] = standIns.TokenUrl,
            ["OpenVerify:Push:ApnsProductionUrl"] = standIns.ApnsBase,
            ["OpenVerify:Push:ApnsSandboxUrl"] = standIns.ApnsBase + "/sandbox",
            ["OpenVerify:Push:ApnsTrustedCertificateThumbprint"] = keys.ApnsServerThumbprint,
            // A bound, not the product's 10 s: on a loaded 2-core CI machine a first TLS + HTTP/2 exchange
            // with the APNs stand-in once took longer, and the push was retried instead of recorded. The
            // time-out itself is tested with its own short setting (PushReliabilityTests).
            ["OpenVerify:Push:SendTimeout"] = "00:01:00",
        };
        foreach (var (key, value) in settings ?? [])
        {
            configuration[key] = value;
        }

        // Note: starts at the real time because Google.Apis.Auth stamps a token's issue time with the
        // system clock while judging its staleness with ours.
        clock ??= new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds()));
        var api = await TestApi.StartAsync(new TestApiOptions { Settings = configuration, Clock = clock, Storage = storage, Account = account });
        return new PushHost(api);
    }

    /// <summary>An HTTP handler that reaches this server in memory.</summary>
    public HttpMessageHandler CreateHandler() => api.Server.CreateHandler();

    /// <summary>A client with the given Authorization.</summary>
    public HttpClient ClientFor(string scheme, string userPassword)
    {
        var client = api.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, Convert.ToBase64String(Encoding.UTF8.GetBytes(userPassword)));
        return client;
    }

    /// <summary>POSTs a form; returns status and JSON.</summary>
    public async Task<(int Status, JsonElement Json)> PostAsync(string path, params (string Key, string Value)[] form)
    {
        using var response = await Client.PostAsync(path, new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));
        return ((int)response.StatusCode, await ReadAsync(response));
    }

    /// <summary>GETs JSON.</summary>
    public async Task<(int Status, JsonElement Json)> GetAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        return ((int)response.StatusCode, await ReadAsync(response));
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Creates an FCM credential from the test service account; returns its CR SID.</summary>
    public async Task<string> CreateFcmCredentialAsync(TestKeys keys)
    {
        var (status, json) = await PostAsync("/v1/Credentials", ("Type", "fcm"), ("FriendlyName", "firebase"), ("Secret", keys.ServiceAccountJson));
        Assert.Equal(201, status);
        return json.GetProperty("sid").GetString()!;
    }

    /// <summary>Creates an APNs token-auth credential; returns its CR SID.</summary>
    public async Task<string> CreateApnCredentialAsync(TestKeys keys, bool sandbox = false)
    {
        var (status, json) = await PostAsync("/v1/Credentials", ("Type", "apn"), ("FriendlyName", "apple"), ("Secret", keys.ApnsP8),
            ("KeyId", TestKeys.ApnsKeyId), ("TeamId", TestKeys.TeamId), ("Sandbox", sandbox ? "true" : "false"));
        Assert.Equal(201, status);
        return json.GetProperty("sid").GetString()!;
    }

    /// <summary>Creates a service with extra form settings; returns its VA SID.</summary>
    public async Task<string> CreateServiceAsync(params (string Key, string Value)[] settings)
    {
        var (status, json) = await PostAsync("/v2/Services", [("FriendlyName", "Push test"), .. settings]);
        Assert.Equal(201, status);
        return json.GetProperty("sid").GetString()!;
    }

    /// <summary>A verified push factor with a device key; the key signs device JWTs.</summary>
    public async Task<(Factor Factor, ECDsa DeviceKey)> AddFactorAsync(string serviceSid, string platform, string? token, string identity = "user-0001", string appId = "com.example.app")
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = Clock.GetUtcNow().ToUnixTimeSeconds();
        var factor = new Factor
        {
            Sid = Sid.New(SidPrefix.Factor), AccountSid = AccountSid, ServiceSid = serviceSid, Identity = identity, FriendlyName = "phone",
            Status = FactorStatuses.Verified, CredentialSid = Sid.New(SidPrefix.Credential), PublicKey = P256PublicKey.Export(key),
            SdkVersion = "0.9.0", AppId = appId, NotificationPlatform = platform, NotificationToken = token, DateCreated = now, DateUpdated = now,
        };
        var added = await Services.GetRequiredService<IFactorStore>().AddAsync(factor, 20, null, now, _ => [], CancellationToken.None);
        Assert.Equal(FactorAddResult.Added, added);
        return (factor, key);
    }

    /// <summary>Creates a challenge over the API; returns its YC SID.</summary>
    public async Task<string> CreateChallengeAsync(Factor factor, string message = "Approve sign-in from Firefox?", DateTimeOffset? expires = null)
    {
        (string, string)[] form = expires is { } e
            ? [("FactorSid", factor.Sid), ("Details.Message", message), ("ExpirationDate", e.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture))]
            : [("FactorSid", factor.Sid), ("Details.Message", message)];
        var (status, json) = await PostAsync($"/v2/Services/{factor.ServiceSid}/Entities/{factor.Identity}/Challenges", form);
        Assert.Equal(201, status);
        return json.GetProperty("sid").GetString()!;
    }

    /// <summary>A device JWT for the factor (docs/protocol/device.md §2), at the fake clock's now.</summary>
    public string DeviceJwt(Factor factor, ECDsa key)
    {
        var now = Clock.GetUtcNow().ToUnixTimeSeconds();
        var header = JsonSerializer.Serialize(new Dictionary<string, string> { ["cty"] = "twilio-pba;v=1", ["kid"] = factor.CredentialSid, ["typ"] = "JWT", ["alg"] = "ES256" });
        var payload = JsonSerializer.Serialize(new Dictionary<string, object> { ["sub"] = AccountSid, ["exp"] = now + 600, ["nbf"] = now });
        return CompactJws.SignEs256(key, header, payload);
    }

    /// <summary>Runs the worker until nothing is due now; returns how many messages it handled.</summary>
    public Task<int> DrainAsync() => api.DrainOutboxAsync();

    /// <summary>The push outbox rows: state, attempts, last error.</summary>
    public async Task<IReadOnlyList<(long Id, string State, long Attempts, string? LastError, string Payload)>> PushMessagesAsync()
    {
        await using var c = await Services.GetRequiredService<IDatabase>().OpenReadAsync(CancellationToken.None);
        var rows = await c.QueryAsync<(long, string, long, string?, string)>("SELECT id, state, attempts, last_error, payload FROM outbox WHERE kind = 'push' ORDER BY id");
        return rows.AsList();
    }

    /// <summary>The factor's stored notification token.</summary>
    public async Task<string?> StoredTokenAsync(string factorSid)
    {
        await using var c = await Services.GetRequiredService<IDatabase>().OpenReadAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<string?>("SELECT notification_token FROM factors WHERE sid = @factorSid", new { factorSid });
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await api.DisposeAsync();
    }
}
