using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenVerify.Server.AccessTokens;
using OpenVerify.Server.Accounts;
using OpenVerify.Server.Auth;
using OpenVerify.Server.Background;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Console;
using OpenVerify.Server.Credentials;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Delivery.Push;
using OpenVerify.Server.Entities;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Factors.Totp;
using OpenVerify.Server.Health;
using OpenVerify.Server.Http;
using OpenVerify.Server.Live;
using OpenVerify.Server.Notifications;
using OpenVerify.Server.OpenApi;
using OpenVerify.Server.Secrets;
using OpenVerify.Server.Services;
using OpenVerify.Server.Storage;
using OpenVerify.Server.Storage.Postgres;
using OpenVerify.Server.Storage.Sql;
using OpenVerify.Server.Storage.Sqlite;
using OpenVerify.Server.Telemetry;
using OpenVerify.Server.Webhooks;

namespace OpenVerify.Server.Hosting;

/// <summary>The server's two entry points: <c>AddOpenVerify</c> and <c>MapOpenVerify</c>.</summary>
public static class OpenVerifyHosting
{
    /// <summary>
    /// Registers options (validated at start), storage, stores, auth and background work. Idempotent: a
    /// second call adds nothing (two calls used to run every outbox handler twice), and a service
    /// registered before the call, e.g. a stand-in store, is kept.
    /// </summary>
    public static IServiceCollection AddOpenVerify(this IServiceCollection services, IConfiguration configuration)
    {
        // Options binding and validation, health checks, rate-limit policies, OpenAPI and telemetry have no
        // TryAdd form: a second call would bind and validate twice, and throws on the duplicate health
        // check and policy names when the provider is built. The marker keeps them to the first call.
        if (services.Any(d => d.ServiceType == typeof(Registered)))
        {
            return services;
        }

        services.AddSingleton<Registered>();
        services.AddOptions<OpenVerifyOptions>().Bind(configuration.GetSection(OpenVerifyOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenVerifyOptions>, StorageOptionsValidation>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDatabase>(CreateDatabase);
        services.TryAddSingleton<FactorRows>();
        services.TryAddSingleton<IAccountStore, SqlAccountStore>();
        services.TryAddSingleton<IServiceStore, SqlServiceStore>();
        services.TryAddSingleton<IEntityStore, SqlEntityStore>();
        services.TryAddSingleton<IFactorStore, SqlFactorStore>();
        services.TryAddSingleton<IChallengeStore, SqlChallengeStore>();
        services.AddOptions<LiveOptions>().Bind(configuration.GetSection(LiveOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ChallengeFeed>();
        services.TryAddSingleton<IChallengeChanges, SqlChallengeChanges>();
        services.TryAddSingleton<INotificationStore, SqlNotificationStore>();
        services.TryAddSingleton<IWebhookStore, SqlWebhookStore>();
        services.TryAddSingleton<IAccessTokenStore, SqlAccessTokenStore>();
        services.AddTotpFactors(configuration);
        services.AddOptions<SecretOptions>().Bind(configuration.GetSection(SecretOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<SecretBox>();
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<IOutbox, SqlOutbox>();
        services.TryAddSingleton<OutboxWorker>();
        services.AddPushDelivery(configuration);
        // The hosted services are the singletons above (health checks and tests read their state), keyed by
        // implementation type so that TryAddEnumerable sees a second registration as the same one.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OutboxWorker>(sp => sp.GetRequiredService<OutboxWorker>()));
        services.AddOpenVerifyWebhooks(configuration);
        services.TryAddSingleton<PublicKeys>();
        services.TryAddSingleton<Authenticator>();
        services.TryAddSingleton<AccountBootstrap>();
        services.TryAddSingleton<Maintenance>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StorageStartup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, Maintenance>(sp => sp.GetRequiredService<Maintenance>()));
        services.AddOptions<PushFatigueOptions>().Bind(configuration.GetSection(PushFatigueOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOpenVerifyRateLimits(configuration);
        services.ConfigureHttpJsonOptions(o => VerifyJson.Configure(o.SerializerOptions));
        services.AddOpenVerifyTelemetry(configuration);
        services.AddOpenVerifyHealth();
        services.AddOpenVerifyOpenApi();
        services.TryAddSingleton<IDeliveryLog, SqlDeliveryLog>();
        services.AddOpenVerifyConsole(configuration);
        return services;
    }

    /// <summary>
    /// Adds the error writer and maps health (<c>/healthz</c>, <c>/healthz/live</c>, <c>/healthz/ready</c>),
    /// the Verify API under <c>/v2</c>, push credentials under <c>/v1</c>, the OpenAPI document at
    /// <c>/openapi/v1.json</c>, when enabled <c>/metrics</c>, and the admin console at <c>/console</c> (on by default, for loopback clients).
    /// </summary>
    public static WebApplication MapOpenVerify(this WebApplication app)
    {
        app.UseMiddleware<ErrorWriter>();
        // After routing (so the per-entity policy sees the route) and inside the error writer; health is never limited.
        app.UseRateLimiter();
        app.MapOpenVerifyHealth();
        app.MapOpenVerifyTelemetry();
        app.MapOpenVerifyOpenApi();
        var v2 = app.MapGroup("/v2").AddEndpointFilter<AuthenticationFilter>();
        v2.MapServicesApi();
        v2.MapEntitiesApi();
        v2.MapFactorsApi();
        v2.MapChallengesApi();
        v2.MapPushFatigueApi();
        v2.MapChallengeEventsApi();
        v2.MapNotificationsApi();
        v2.MapWebhooksApi();
        v2.MapAccessTokensApi();
        var v1 = app.MapGroup("/v1").AddEndpointFilter<AuthenticationFilter>();
        v1.MapCredentialsApi();
        app.MapOpenVerifyConsole();
        return app;
    }

    private static IDatabase CreateDatabase(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<OpenVerifyOptions>>().Value;
        return options.Storage switch
        {
            "sqlite" => new SqliteDatabase(options.Connection ?? options.SqlitePath),
            "postgres" => new PostgresDatabase(options.Connection!),
            _ => throw new InvalidOperationException($"Storage '{options.Storage}' is not available in this build"),
        };
    }

    /// <summary>Marks a collection that <see cref="AddOpenVerify"/> has already filled.</summary>
    private sealed class Registered;
}
