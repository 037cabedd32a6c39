using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenVerify.Server.Accounts;
using OpenVerify.Server.Background;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Delivery.Webhooks;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Storage;

namespace OpenVerify.Webhooks.Tests.Support;

/// <summary>
/// The OpenVerify API in-process (TestServer) on a SQLite file, with a fake clock and without its
/// background services: tests drive the outbox worker and the maintenance sweep themselves.
/// Webhook deliveries pass <see cref="LoopbackWebhookGuard"/>: one aimed off this machine fails the test at dispose.
/// </summary>
public sealed class ServerHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private bool ownsDirectory;

    private ServerHost(WebApplication app, FakeTimeProvider clock, Account account, string dataDirectory)
    {
        this.app = app;
        Clock = clock;
        Account = account;
        DataDirectory = dataDirectory;
        Http = app.GetTestClient();
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(account.Sid + ":" + account.AuthToken)));
        Worker = app.Services.GetRequiredService<OutboxWorker>();
    }

    public FakeTimeProvider Clock { get; }
    public Account Account { get; }
    public string DataDirectory { get; }
    public HttpClient Http { get; }
    public OutboxWorker Worker { get; }
    public IServiceProvider Services => app.Services;

    /// <summary>The deliveries refused because they were aimed off this machine.</summary>
    public LoopbackWebhookGuard Guard => app.Services.GetRequiredService<LoopbackWebhookGuard>();

    /// <summary>Starts a host; <paramref name="account"/> reuses an account already in the data directory (restart).</summary>
    public static async Task<ServerHost> StartAsync(
        string? dataDirectory = null, FakeTimeProvider? clock = null, Account? account = null, bool allowPrivateNetworks = true,
        TimeSpan? retryFor = null, IReadOnlyDictionary<string, string?>? extraSettings = null, bool backgroundServices = false)
    {
        var ownsDirectory = dataDirectory is null;
        dataDirectory ??= NewDataDirectory();
        clock ??= new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var settings = new Dictionary<string, string?>
        {
            ["OpenVerify:DataDirectory"] = dataDirectory,
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

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TimeProvider>(clock);
        var hostedBefore = builder.Services.Where(d => d.ServiceType == typeof(IHostedService)).ToHashSet();
        builder.Services.AddOpenVerify(builder.Configuration);
        builder.Services.Remove(builder.Services.Single(d => d.ServiceType == typeof(IOutboxHandler) && d.ImplementationType == typeof(WebhookSender)));
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddSingleton<LoopbackWebhookGuard>();
        builder.Services.AddSingleton<IOutboxHandler>(sp => sp.GetRequiredService<LoopbackWebhookGuard>());
        foreach (var added in builder.Services.Where(d => !backgroundServices && d.ServiceType == typeof(IHostedService) && !hostedBefore.Contains(d)).ToList())
        {
            builder.Services.Remove(added);
        }

        var app = builder.Build();
        app.MapOpenVerify();
        await app.Services.GetRequiredService<IDatabase>().MigrateAsync(CancellationToken.None);
        await app.StartAsync();
        account ??= await app.Services.GetRequiredService<AccountBootstrap>().CreateAsync("webhook tests", CancellationToken.None);
        return new ServerHost(app, clock, account, dataDirectory) { ownsDirectory = ownsDirectory };
    }

    /// <summary>A fresh directory for a SQLite file; the caller deletes it (see <see cref="DeleteDirectory"/>).</summary>
    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "openverify-webhooks-tests", Guid.NewGuid().ToString("N"));

    public static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still open elsewhere only leaves a temp directory behind.
        }
    }

    /// <summary>Runs the outbox worker until nothing is due at the current (fake) time.</summary>
    public async Task DeliverDueAsync()
    {
        for (var i = 0; i < 1000 && await Worker.RunOnceAsync(CancellationToken.None) > 0; i++)
        {
        }
    }

    /// <summary>Advances the clock in steps, delivering what is due after each, for <paramref name="total"/>.</summary>
    public async Task RunForAsync(TimeSpan total, TimeSpan step)
    {
        await DeliverDueAsync();
        for (var elapsed = TimeSpan.Zero; elapsed < total; elapsed += step)
        {
            Clock.Advance(step);
            await DeliverDueAsync();
        }
    }

    /// <summary>One maintenance sweep (challenge expiry, unverified-factor removal) at the current time.</summary>
    public Task SweepAsync() => app.Services.GetRequiredService<Maintenance>().RunOnceAsync(CancellationToken.None);

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
        await app.StopAsync();
        await app.DisposeAsync();
        if (ownsDirectory)
        {
            DeleteDirectory(DataDirectory);
        }

        Assert.True(refused.Count == 0, "webhook deliveries aimed off this machine (use a WebhookReceiver): " + string.Join(", ", refused));
    }
}
