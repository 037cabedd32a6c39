using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenVerify.Server.Background;
using OpenVerify.Server.Delivery;

namespace OpenVerify.Server.Tests.Delivery.Webhooks;

/// <summary>
/// The webhook tests' server: a private <see cref="TestApi"/> (fake clock, no background services unless
/// asked) with the helpers those tests share: deliver what is due, run for a while, sweep, and an HTTP
/// client with the account's Basic credentials. A delivery aimed off this machine fails the test at dispose.
/// </summary>
public sealed class ServerHost : IAsyncDisposable
{
    private readonly TestApi api;

    private ServerHost(TestApi api)
    {
        this.api = api;
        Http = api.Server.CreateClient();
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(api.AccountSid + ":" + api.AuthToken)));
    }

    /// <summary>The server this host wraps.</summary>
    public TestApi Api => api;

    public FakeTimeProvider Clock => api.Clock;

    public (string Sid, string AuthToken) Account => (api.AccountSid, api.AuthToken);

    /// <summary>Where the server keeps its data; a server started on it shares it (a restart).</summary>
    public TestApiStorage Storage => api.Storage;

    public HttpClient Http { get; }

    public OutboxWorker Worker => api.Worker;

    public IServiceProvider Services => api.Services;

    /// <summary>The deliveries refused because they were aimed off this machine.</summary>
    public LoopbackWebhookGuard Guard => api.Services.GetRequiredService<LoopbackWebhookGuard>();

    /// <summary>Starts a host; <paramref name="storage"/> and <paramref name="account"/> reuse another server's (a restart).</summary>
    public static async Task<ServerHost> StartAsync(
        TestApiStorage? storage = null, FakeTimeProvider? clock = null, (string Sid, string AuthToken)? account = null, bool allowPrivateNetworks = true,
        TimeSpan? retryFor = null, IReadOnlyDictionary<string, string?>? extraSettings = null, bool backgroundServices = false)
    {
        var settings = new Dictionary<string, string?>
        {
            ["OpenVerify:Webhooks:AllowPrivateNetworks"] = allowPrivateNetworks ? "true" : "false",
        };
        if (retryFor is not null)
        {
            settings["OpenVerify:Webhooks:RetryFor"] = retryFor.Value.ToString();
        }

        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var api = await TestApi.StartAsync(new TestApiOptions
        {
            Settings = settings,
            Clock = clock ?? new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero)),
            Storage = storage,
            Account = account,
            BackgroundServices = backgroundServices,
        });
        return new ServerHost(api);
    }

    /// <summary>Runs the outbox worker until nothing is due at the current (fake) time; a refused delivery fails the test at dispose, not here.</summary>
    public Task DeliverDueAsync() => api.DrainOutboxAsync();

    /// <summary>Advances the clock in steps, delivering what is due after each, for <paramref name="total"/> (a refused delivery fails the test at once).</summary>
    public Task RunForAsync(TimeSpan total, TimeSpan step) => api.RunForAsync(total, step);

    /// <summary>One maintenance sweep (challenge expiry, unverified-factor removal) at the current time.</summary>
    public Task SweepAsync() => api.Services.GetRequiredService<Maintenance>().RunOnceAsync(CancellationToken.None);

    public async Task<JsonElement> PostAsync(string path, params (string Key, string Value)[] form)
    {
        using var response = await Http.PostAsync(path, new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));
        return await ReadAsync(response, path);
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        return await ReadAsync(response, path);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, params (string Key, string Value)[] form)
    {
        var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get)
        {
            request.Content = new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
        }

        return await Http.SendAsync(request);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, string path)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        var refused = Guard.Refused.ToList();
        Http.Dispose();
        await api.DisposeAsync();
        Assert.True(refused.Count == 0, "webhook deliveries aimed off this machine (use a WebhookReceiver): " + string.Join(", ", refused));
    }
}
