using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Accounts;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Delivery.Webhooks;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Storage;
using OpenVerify.TestKit.Devices;

namespace OpenVerify.Server.Tests.Infrastructure;

/// <summary>
/// An in-process server: AddOpenVerify/MapOpenVerify on a TestServer, a SQLite file in a temp
/// directory (or, see <see cref="TestStorage"/>, a fresh PostgreSQL database of its own), a
/// <see cref="FakeTimeProvider"/> as the server's clock, and a bootstrapped account.
/// Background services are not started: tests drive maintenance (and, on a private server, the outbox) themselves,
/// so the webhooks these tests register (loopback URLs) are never contacted unless a test says so.
/// Note: building the minimal-API endpoints costs ~0.4 s per server, so servers with default settings
/// are pooled: a test rents one exclusively (nobody else moves its clock meanwhile) and gets a fresh
/// bootstrapped account on it, so its data is its own. Tests must not assume an absolute clock time.
/// </summary>
public sealed class TestApi : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly System.Collections.Concurrent.ConcurrentBag<WebApplication> Pool = [];
    private readonly WebApplication app;
    private readonly string? dataDirectory;
    private readonly bool twin;

    private TestApi(WebApplication app, string? dataDirectory, string accountSid, string authToken, HttpClient? http = null, bool twin = false)
    {
        this.app = app;
        this.dataDirectory = dataDirectory;
        this.twin = twin;
        Clock = (FakeTimeProvider)app.Services.GetRequiredService<TimeProvider>();
        AccountSid = accountSid;
        AuthToken = authToken;
        Http = http ?? app.GetTestServer().CreateClient();
        Account = new ApiClient(Http, accountSid, authToken);
    }

    public FakeTimeProvider Clock { get; }

    public string AccountSid { get; }

    public string AuthToken { get; }

    /// <summary>Unauthenticated client; BaseAddress http://localhost/.</summary>
    public HttpClient Http { get; }

    /// <summary>The bootstrapped account's backend.</summary>
    public ApiClient Account { get; }

    public IServiceProvider Services => app.Services;

    public TestServer Server => app.GetTestServer();

    /// <summary>A server with default settings from the pool (or a private one with <paramref name="settings"/>).</summary>
    public static async Task<TestApi> StartAsync(IDictionary<string, string?>? settings = null)
    {
        if (settings is null)
        {
            WebApplication app;
            if (!Pool.TryTake(out var pooled))
            {
                var fresh = await BuildAsync(null);
                app = fresh.App;
                // Note: pooled servers live until the test process ends; their files go with it.
                AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(fresh.DataDirectory);
            }
            else
            {
                app = pooled;
            }

            var (sid, token) = await BootstrapAccountAsync(app);
            return new TestApi(app, null, sid, token);
        }

        var built = await BuildAsync(settings);
        var (accountSid, authToken) = await BootstrapAccountAsync(built.App);
        return new TestApi(built.App, built.DataDirectory, accountSid, authToken);
    }

    /// <summary>
    /// A private server on real Kestrel over loopback (real sockets and HTTP/1.1 framing), whose fake
    /// clock starts at the machine's time so Kestrel's own Date headers agree with it.
    /// </summary>
    public static async Task<TestApi> StartLoopbackAsync(IDictionary<string, string?>? settings = null)
    {
        var built = await BuildAsync(settings, loopback: true);
        var (accountSid, authToken) = await BootstrapAccountAsync(built.App);
        var address = built.App.Urls.First();
        return new TestApi(built.App, built.DataDirectory, accountSid, authToken, new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/") });
    }

    /// <summary>
    /// A second server on this private server's storage (the same database, the same secrets key file)
    /// and account, like a second instance of a fleet; its own fake clock, set to this one's time.
    /// </summary>
    public async Task<TestApi> StartTwinAsync()
    {
        Assert.True(dataDirectory is not null, "a twin shares a private server's storage");
        var options = Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OpenVerifyOptions>>().Value;
        var built = await BuildAsync(new Dictionary<string, string?>
        {
            ["OpenVerify:DataDirectory"] = dataDirectory,
            ["OpenVerify:Storage"] = options.Storage,
            ["OpenVerify:Connection"] = options.Connection,
        });
        DeleteQuietly(built.DataDirectory);
        var result = new TestApi(built.App, dataDirectory, AccountSid, AuthToken, twin: true);
        result.Clock.SetUtcNow(Clock.GetUtcNow());
        return result;
    }

    private static async Task<(string Sid, string Token)> BootstrapAccountAsync(WebApplication app)
    {
        var accountSid = Sid.New(SidPrefix.Account);
        var authToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        await app.Services.GetRequiredService<AccountBootstrap>().EnsureAsync(accountSid, authToken, CancellationToken.None);
        return (accountSid, authToken);
    }

    private static async Task<(WebApplication App, string DataDirectory)> BuildAsync(IDictionary<string, string?>? settings, bool loopback = false)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "openverify-tests", Guid.NewGuid().ToString("N"));
        var clock = new FakeTimeProvider(loopback ? TimeProvider.System.GetUtcNow() : Start);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        if (loopback)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        var config = new Dictionary<string, string?>(await TestStorage.NewServerSettingsAsync()) { ["OpenVerify:DataDirectory"] = dataDirectory };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddOpenVerify(builder.Configuration);
        builder.Services.RemoveAll<IHostedService>();
        builder.Services.Remove(builder.Services.Single(d => d.ServiceType == typeof(IOutboxHandler) && d.ImplementationType == typeof(WebhookSender)));
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddSingleton<LoopbackWebhookGuard>();
        builder.Services.AddSingleton<IOutboxHandler>(sp => sp.GetRequiredService<LoopbackWebhookGuard>());
        var app = builder.Build();
        app.MapOpenVerify();
        await app.Services.GetRequiredService<IDatabase>().MigrateAsync(CancellationToken.None);
        await app.StartAsync();
        return (app, dataDirectory);
    }

    /// <summary>
    /// Runs the outbox worker until nothing is due. Only on a private server (started with settings),
    /// whose outbox holds this test's messages alone; pass <see cref="OffMachineGuard"/> among them so that
    /// pushes could not leave this machine either. A webhook delivery to a non-loopback URL is not attempted
    /// (<see cref="LoopbackWebhookGuard"/>) and fails the test.
    /// </summary>
    public async Task DeliverOutboxAsync()
    {
        Assert.True(dataDirectory is not null, "run the outbox on a private server only");
        var worker = Services.GetRequiredService<OutboxWorker>();
        for (var round = 0; round < 100 && await worker.RunOnceAsync(CancellationToken.None) > 0; round++)
        {
        }

        var refused = Services.GetRequiredService<LoopbackWebhookGuard>().Refused;
        Assert.True(refused.IsEmpty, "webhook deliveries aimed off this machine: " + string.Join(", ", refused));
    }

    /// <summary>Settings that keep a private server's push endpoints on a closed loopback port and webhooks off private networks.</summary>
    public static Dictionary<string, string?> OffMachineGuard() => new()
    {
        ["OpenVerify:Push:FcmBaseUrl"] = "http://127.0.0.1:9",
        ["OpenVerify:Push:GoogleTokenUrl"] = "http://127.0.0.1:9/token",
        ["OpenVerify:Push:ApnsProductionUrl"] = "http://127.0.0.1:9",
        ["OpenVerify:Push:ApnsSandboxUrl"] = "http://127.0.0.1:9",
        ["OpenVerify:Webhooks:AllowPrivateNetworks"] = "false",
    };

    /// <summary>An APNs token-key credential (a fresh P-256 .p8) of the account <paramref name="client"/> acts for.</summary>
    public static async Task<string> CreateApnCredentialAsync(ApiClient client, string friendlyName = "apns key")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var response = await client.PostAsync("/v1/Credentials", ("Type", "apn"), ("FriendlyName", friendlyName), ("Secret", key.ExportPkcs8PrivateKeyPem()), ("KeyId", "KEY1234567"), ("TeamId", "TEAM123456"));
        return response.Expect(201).Str("sid")!;
    }

    /// <summary>An FCM credential (a service-account JSON with a fresh RSA key) of the account <paramref name="client"/> acts for.</summary>
    public static async Task<string> CreateFcmCredentialAsync(ApiClient client, string friendlyName = "firebase")
    {
        using var key = RSA.Create(2048);
        var serviceAccount = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "openverify-tests",
            ["client_email"] = "push@openverify-tests.iam.gserviceaccount.com",
            ["private_key"] = key.ExportPkcs8PrivateKeyPem(),
        };
        var response = await client.PostAsync("/v1/Credentials", ("Type", "fcm"), ("FriendlyName", friendlyName), ("Secret", serviceAccount.ToJsonString()));
        return response.Expect(201).Str("sid")!;
    }

    /// <summary>A second tenant.</summary>
    public async Task<ApiClient> CreateOtherAccountAsync()
    {
        var account = await Services.GetRequiredService<AccountBootstrap>().CreateAsync("other", CancellationToken.None);
        return new ApiClient(Http, account.Sid, account.AuthToken);
    }

    public ApiClient As(string? user, string? secret) => new(Http, user, secret);

    public DeviceEmulator Device(DeviceFlavour flavour = DeviceFlavour.Android, int seed = 1) => new(Http, flavour, Clock, seed: seed);

    public async Task<string> CreateServiceAsync(string friendlyName = "Test service", params (string Key, string Value)[] settings)
    {
        var response = await Account.PostAsync("/v2/Services", [("FriendlyName", friendlyName), .. settings]);
        return response.Expect(201)["sid"]!.GetValue<string>();
    }

    public static string NewIdentity() => "user-" + Guid.NewGuid().ToString("N")[..12];

    public async Task<string> CreateAccessTokenAsync(string serviceSid, string identity, int? ttl = null)
    {
        (string, string)[] form = ttl is null ? [("Identity", identity), ("FactorType", "push")] : [("Identity", identity), ("FactorType", "push"), ("Ttl", ttl.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        var response = await Account.PostAsync($"/v2/Services/{serviceSid}/AccessTokens", form);
        return response.Expect(201)["token"]!.GetValue<string>();
    }

    /// <summary>A device enrols (R1 with an access token) and, unless told otherwise, verifies (R2).</summary>
    public async Task<Enrolment> EnrolAsync(string serviceSid, string? identity = null, DeviceFlavour flavour = DeviceFlavour.Android, bool verify = true)
    {
        identity ??= NewIdentity();
        var device = Device(flavour);
        var token = await CreateAccessTokenAsync(serviceSid, identity);
        var factor = await device.CreateFactorAsync(serviceSid, identity, token);
        if (verify)
        {
            Assert.Equal("verified", await device.VerifyFactorAsync(factor));
        }

        return new Enrolment(serviceSid, identity, device, factor);
    }

    /// <summary>A service with one verified push factor.</summary>
    /// <summary>
    /// Subscribes a webhook to every event of the service (never contacted: loopback, private networks
    /// off), so that every change writes its event to the outbox; without one, no event is stored.
    /// </summary>
    public async Task SubscribeAllEventsAsync(string serviceSid) =>
        (await Account.PostAsync($"/v2/Services/{serviceSid}/Webhooks", ("FriendlyName", "all events"), ("EventTypes", "*"), ("WebhookUrl", "http://127.0.0.1:9/hook"))).Expect(201);

    public async Task<Enrolment> EnrolNewAsync(DeviceFlavour flavour = DeviceFlavour.Android) => await EnrolAsync(await CreateServiceAsync(), null, flavour);

    public async Task<ApiResponse> PostChallengeAsync(Enrolment e, params (string Key, string Value)[] extra)
    {
        (string, string)[] form = extra.Any(p => p.Key == "Details.Message")
            ? [("FactorSid", e.Factor.Sid), .. extra]
            : [("FactorSid", e.Factor.Sid), ("Details.Message", "Log in to Example?"), .. extra];
        return await Account.PostAsync(e.EntityPath + "/Challenges", form);
    }

    public async Task<JsonObject> CreateChallengeAsync(Enrolment e, params (string Key, string Value)[] extra) => (await PostChallengeAsync(e, extra)).Expect(201);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (dataDirectory is null)
        {
            Pool.Add(app);
            return;
        }

        await app.DisposeAsync();
        if (!twin)
        {
            DeleteQuietly(dataDirectory);
        }
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>A service, an identity and a device holding a factor there.</summary>
public sealed record Enrolment(string ServiceSid, string Identity, DeviceEmulator Device, DeviceFactor Factor)
{
    public string EntityPath => $"/v2/Services/{ServiceSid}/Entities/{Identity}";

    public string FactorPath => $"{EntityPath}/Factors/{Factor.Sid}";

    public string ChallengePath(string challengeSid) => $"{EntityPath}/Challenges/{challengeSid}";
}
