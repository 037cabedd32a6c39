using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenVerify.Protocol.Sids;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Services;
using OpenVerify.Server.Webhooks;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Tests.Storage;

/// <summary>
/// A fresh migrated database per test and the server's stores over it, resolved the way the server
/// resolves them (<c>AddOpenVerify</c>), with a fake clock, on the provider the test class is running on
/// (<see cref="TestStorage"/>).
/// </summary>
public abstract class StoreTestBase : IAsyncLifetime
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "openverify-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The clock every store and the outbox read.</summary>
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Bounds every wait in the test.</summary>
    protected CancellationToken Ct { get; } = new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    private ServiceProvider? provider;

    /// <summary>The database under test.</summary>
    protected IDatabase Database { get; private set; } = null!;

    /// <summary>Now, in Unix seconds.</summary>
    protected long Now => Clock.GetUtcNow().ToUnixTimeSeconds();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Database = await TestStorage.OpenDatabaseAsync(directory);
        await Database.MigrateAsync(Ct);
        provider = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(Clock)
            .AddSingleton(Database)
            .AddOpenVerify(new ConfigurationBuilder().Build())
            .BuildServiceProvider();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (provider is not null)
        {
            await provider.DisposeAsync();
        }

        if (Database is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // PostgreSQL: no file was made.
        }
        catch (IOException)
        {
            // Best effort: the temp directory is cleaned by the OS eventually.
        }
    }

    /// <summary>A server service, as the server resolves it.</summary>
    protected T Get<T>()
        where T : notnull => provider!.GetRequiredService<T>();

    /// <summary>Stores a new Verify service.</summary>
    protected async Task<Service> AddServiceAsync(string accountSid = "AC00000000000000000000000000000001", string name = "Bank")
    {
        var service = new Service { Sid = Sid.New(SidPrefix.Service), AccountSid = accountSid, FriendlyName = name, DateCreated = Now, DateUpdated = Now };
        await Get<IServiceStore>().AddAsync(service, Ct);
        return service;
    }

    /// <summary>
    /// An enabled webhook on <paramref name="service"/> (never called here): without one, events
    /// are not written to the outbox at all.
    /// </summary>
    protected Task AddWebhookAsync(Service service) => Get<IWebhookStore>().AddAsync(new Webhook
    {
        Sid = Sid.New(SidPrefix.Webhook), AccountSid = service.AccountSid, ServiceSid = service.Sid, FriendlyName = "events",
        EventTypesJson = "[\"*\"]", WebhookUrl = "http://127.0.0.1:9/unused", DateCreated = Now, DateUpdated = Now,
    }, Ct);

    /// <summary>A factor not yet stored.</summary>
    protected Factor NewFactor(Service service, string identity, string status = FactorStatuses.Verified) => new()
    {
        Sid = Sid.New(SidPrefix.Factor),
        AccountSid = service.AccountSid,
        ServiceSid = service.Sid,
        Identity = identity,
        FriendlyName = "phone",
        Status = status,
        CredentialSid = Sid.New(SidPrefix.Credential),
        PublicKey = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE",
        SdkVersion = "0.9.0",
        AppId = "com.example.bank",
        DateCreated = Now,
        DateUpdated = Now,
    };

    /// <summary>Stores a factor (creating its entity), asserting it was added.</summary>
    protected async Task<Factor> AddFactorAsync(Service service, string identity, string status = FactorStatuses.Verified)
    {
        var factor = NewFactor(service, identity, status);
        Assert.Equal(FactorAddResult.Added, await Get<IFactorStore>().AddAsync(factor, 20, null, Now, _ => [], Ct));
        return factor;
    }

    /// <summary>A pending challenge for <paramref name="factor"/>, not yet stored.</summary>
    protected Challenge NewChallenge(Factor factor, TimeSpan? lifetime = null) => new()
    {
        Sid = Sid.New(SidPrefix.Challenge),
        AccountSid = factor.AccountSid,
        ServiceSid = factor.ServiceSid,
        EntitySid = factor.EntitySid,
        Identity = factor.Identity,
        FactorSid = factor.Sid,
        Status = ChallengeStatuses.Pending,
        Message = "Approve the transfer?",
        DateCreated = Now,
        DateUpdated = Now,
        ExpirationDate = Now + (long)(lifetime ?? TimeSpan.FromMinutes(5)).TotalSeconds,
    };

    /// <summary>Stores a pending challenge.</summary>
    protected async Task<Challenge> AddChallengeAsync(Factor factor, TimeSpan? lifetime = null)
    {
        var challenge = NewChallenge(factor, lifetime);
        Assert.True(await Get<IChallengeStore>().TryAddAsync(challenge, [], Ct));
        return challenge;
    }
}
