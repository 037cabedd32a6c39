using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
using OpenVerify.TestKit.Storage;

namespace OpenVerify.TestKit.Hosting;

/// <summary>
/// The in-process server every test of the server, the CLI and the samples starts: AddOpenVerify/MapOpenVerify
/// on a TestServer (or, <see cref="TestApiOptions.Loopback"/>, real Kestrel on 127.0.0.1), on the current
/// test's storage provider (<see cref="TestStorage"/>: a SQLite file in a temp directory or a fresh PostgreSQL
/// database of its own), a <see cref="FakeTimeProvider"/> as the server's clock, and a bootstrapped account.
/// Background services are not started unless asked for: tests drive maintenance and the outbox themselves,
/// so the webhooks these tests register (loopback URLs) are never contacted unless a test says so, and a
/// delivery aimed off this machine is refused (<see cref="LoopbackWebhookGuard"/>).
/// Note: building the minimal-API endpoints costs ~0.4 s per server, so servers with default settings
/// are pooled (one pool per provider): a test rents one exclusively (nobody else moves its clock meanwhile)
/// and gets a fresh bootstrapped account on it, so its data is its own. Tests must not assume an absolute clock time.
/// </summary>
public sealed class TestApi : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentBag<WebApplication>> Pools = new();
    private readonly WebApplication app;
    private readonly bool pooled;
    private readonly bool ownsStorage;

    private TestApi(WebApplication app, TestApiStorage storage, string accountSid, string authToken, bool pooled, bool ownsStorage, HttpClient? http = null)
    {
        this.app = app;
        this.pooled = pooled;
        this.ownsStorage = ownsStorage;
        Storage = storage;
        Clock = (FakeTimeProvider)app.Services.GetRequiredService<TimeProvider>();
        AccountSid = accountSid;
        AuthToken = authToken;
        Http = http ?? app.GetTestServer().CreateClient();
        Account = new ApiClient(Http, accountSid, authToken);
    }

    public FakeTimeProvider Clock { get; }

    public string AccountSid { get; }

    public string AuthToken { get; }

    /// <summary>Where this server keeps its data; another server started on it shares it (a restart, a fleet).</summary>
    public TestApiStorage Storage { get; }

    /// <summary>Unauthenticated client; BaseAddress http://localhost/ (or the loopback address).</summary>
    public HttpClient Http { get; }

    /// <summary>The bootstrapped account's backend.</summary>
    public ApiClient Account { get; }

    public IServiceProvider Services => app.Services;

    public TestServer Server => app.GetTestServer();

    /// <summary>The outbox worker, driven by hand.</summary>
    public OutboxWorker Worker => Services.GetRequiredService<OutboxWorker>();

    /// <summary>A server with default settings from the pool (or a private one with <paramref name="settings"/>).</summary>
    public static async Task<TestApi> StartAsync(IDictionary<string, string?>? settings = null)
    {
        if (settings is not null)
        {
            return await StartAsync(new TestApiOptions { Settings = settings });
        }

        var pool = Pools.GetOrAdd(TestStorage.Provider, _ => []);
        if (!pool.TryTake(out var app))
        {
            var storage = await TestApiStorage.CreateAsync();
            app = await BuildAsync(new TestApiOptions(), storage);
            // Note: pooled servers live until the test process ends; their files go with it.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => storage.Delete();
        }

        var (sid, token) = await BootstrapAccountAsync(app);
        return new TestApi(app, TestApiStorage.Of(app), sid, token, pooled: true, ownsStorage: false);
    }

    /// <summary>A private server as <paramref name="options"/> say.</summary>
    public static async Task<TestApi> StartAsync(TestApiOptions options)
    {
        var storage = options.Storage ?? await TestApiStorage.CreateAsync();
        var app = await BuildAsync(options, storage);
        var (accountSid, authToken) = options.Account ?? await BootstrapAccountAsync(app);
        var http = options.Loopback ? new HttpClient { BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/") } : null;
        return new TestApi(app, storage, accountSid, authToken, pooled: false, ownsStorage: options.Storage is null, http);
    }

    /// <summary>
    /// A private server on real Kestrel over loopback (real sockets and HTTP/1.1 framing), whose fake
    /// clock starts at the machine's time so Kestrel's own Date headers agree with it.
    /// </summary>
    public static Task<TestApi> StartLoopbackAsync(IDictionary<string, string?>? settings = null) =>
        StartAsync(new TestApiOptions { Settings = settings, Loopback = true });

    /// <summary>
    /// A second server on this private server's storage (the same database, the same secrets key file)
    /// and account, like a second instance of a fleet; its own fake clock, set to this one's time.
    /// </summary>
    public Task<TestApi> StartTwinAsync()
    {
        Assert.False(pooled, "a twin shares a private server's storage");
        return StartAsync(new TestApiOptions { Storage = Storage, Account = (AccountSid, AuthToken), Clock = new FakeTimeProvider(Clock.GetUtcNow()) });
    }

    private static async Task<(string Sid, string Token)> BootstrapAccountAsync(WebApplication app)
    {
        var accountSid = Sid.New(SidPrefix.Account);
        var authToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        await app.Services.GetRequiredService<AccountBootstrap>().EnsureAsync(accountSid, authToken, CancellationToken.None);
        return (accountSid, authToken);
    }

    private static async Task<WebApplication> BuildAsync(TestApiOptions options, TestApiStorage storage)
    {
        var clock = options.Clock ?? new FakeTimeProvider(options.Loopback ? TimeProvider.System.GetUtcNow() : Start);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        if (options.Loopback)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        var config = new Dictionary<string, string?>(storage.Settings);
        foreach (var (key, value) in options.Settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.AddSingleton<TimeProvider>(clock);
        var hostedBefore = builder.Services.Where(d => d.ServiceType == typeof(IHostedService)).ToHashSet();
        builder.Services.AddOpenVerify(builder.Configuration);
        if (!options.BackgroundServices)
        {
            foreach (var added in builder.Services.Where(d => d.ServiceType == typeof(IHostedService) && !hostedBefore.Contains(d)).ToList())
            {
                builder.Services.Remove(added);
            }
        }

        builder.Services.Remove(builder.Services.Single(d => d.ServiceType == typeof(IOutboxHandler) && d.ImplementationType == typeof(WebhookSender)));
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddSingleton<LoopbackWebhookGuard>();
        builder.Services.AddSingleton<IOutboxHandler>(sp => sp.GetRequiredService<LoopbackWebhookGuard>());
        builder.Services.AddSingleton(storage);
        var app = builder.Build();
        app.MapOpenVerify();
        await app.Services.GetRequiredService<IDatabase>().MigrateAsync(CancellationToken.None);
        await app.StartAsync();
        return app;
    }

    /// <summary>The deliveries refused because they were aimed off this machine.</summary>
    public IReadOnlyCollection<string> RefusedWebhooks => Services.GetRequiredService<LoopbackWebhookGuard>().Refused;

    /// <summary>
    /// Runs the outbox worker until nothing is due. Only on a private server (started with settings),
    /// whose outbox holds this test's messages alone; pass <see cref="OffMachineGuard"/> among them so that
    /// pushes could not leave this machine either. A webhook delivery to a non-loopback URL is not attempted
    /// (<see cref="LoopbackWebhookGuard"/>) and fails the test.
    /// </summary>
    public async Task DeliverOutboxAsync()
    {
        await DrainOutboxAsync();
        var refused = Services.GetRequiredService<LoopbackWebhookGuard>().Refused;
        Assert.True(refused.IsEmpty, "webhook deliveries aimed off this machine: " + string.Join(", ", refused));
    }

    /// <summary>
    /// <see cref="DeliverOutboxAsync"/> without the check on refused deliveries, for tests that look at them
    /// (<see cref="RefusedWebhooks"/>); returns how many messages the worker handled. The round bound only
    /// stops a worker that never runs dry.
    /// </summary>
    public async Task<int> DrainOutboxAsync()
    {
        Assert.False(pooled, "run the outbox on a private server only");
        var total = 0;
        for (var round = 0; round < 1000; round++)
        {
            var handled = await Worker.RunOnceAsync(CancellationToken.None);
            if (handled == 0)
            {
                break;
            }

            total += handled;
        }

        return total;
    }

    /// <summary>Advances the fake clock by <paramref name="step"/> until <paramref name="total"/> has passed, delivering what is due before and after each step.</summary>
    public async Task RunForAsync(TimeSpan total, TimeSpan step)
    {
        await DeliverOutboxAsync();
        for (var elapsed = TimeSpan.Zero; elapsed < total; elapsed += step)
        {
            Clock.Advance(step);
            await DeliverOutboxAsync();
        }
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
        if (pooled)
        {
            Pools[Storage.Provider].Add(app);
            return;
        }

        await app.StopAsync();
        await app.DisposeAsync();
        if (ownsStorage)
        {
            Storage.Delete();
        }
    }
}

/// <summary>How a private <see cref="TestApi"/> starts; every part is optional.</summary>
public sealed record TestApiOptions
{
    /// <summary>Configuration on top of the storage's (keys such as <c>OpenVerify:Push:FcmBaseUrl</c>).</summary>
    public IDictionary<string, string?>? Settings { get; init; }

    /// <summary>The server's clock; by default one at <see cref="TestApi.Start"/> (at the machine's time on loopback).</summary>
    public FakeTimeProvider? Clock { get; init; }

    /// <summary>Another server's storage, to restart on it or to run beside it; the other server keeps owning it.</summary>
    public TestApiStorage? Storage { get; init; }

    /// <summary>An account already in <see cref="Storage"/>; by default a fresh one is bootstrapped.</summary>
    public (string Sid, string Token)? Account { get; init; }

    /// <summary>Runs the hosted services (outbox worker, maintenance) as the real server does.</summary>
    public bool BackgroundServices { get; init; }

    /// <summary>Real Kestrel on 127.0.0.1 instead of a TestServer.</summary>
    public bool Loopback { get; init; }
}

/// <summary>
/// A test server's data: its data directory (SQLite file, secrets key file) and, on PostgreSQL, its own
/// database of the shared cluster. Servers started on the same storage share their data like a fleet's instances.
/// </summary>
public sealed class TestApiStorage
{
    private TestApiStorage(string dataDirectory, IReadOnlyDictionary<string, string?> settings, string provider)
    {
        DataDirectory = dataDirectory;
        Settings = settings;
        Provider = provider;
    }

    public string DataDirectory { get; }

    public string Provider { get; }

    /// <summary>The configuration that puts a server on this storage.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>New storage on the current test's provider.</summary>
    public static async Task<TestApiStorage> CreateAsync()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "openverify-tests", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>(await TestStorage.NewServerSettingsAsync()) { ["OpenVerify:DataDirectory"] = dataDirectory };
        return new TestApiStorage(dataDirectory, settings, TestStorage.Provider);
    }

    internal static TestApiStorage Of(WebApplication app) => app.Services.GetRequiredService<TestApiStorage>();

    /// <summary>Deletes the data directory (best effort; a PostgreSQL database goes with the cluster).</summary>
    public void Delete()
    {
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
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
