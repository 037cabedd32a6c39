using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenVerify.Server.Credentials;
using OpenVerify.Server.Storage.Sql;

namespace OpenVerify.Server.Delivery.Push;

/// <summary>Registers push credentials and push delivery (called by <c>AddOpenVerify</c>).</summary>
public static class PushRegistration
{
    /// <summary>Options, credential store, FCM and APNs senders, the push outbox handler.</summary>
    public static IServiceCollection AddPushDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PushOptions>().Bind(configuration.GetSection(PushOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ICredentialStore, SqlCredentialStore>();
        services.TryAddSingleton<IPushTokenStore, SqlPushTokenStore>();
        services.TryAddSingleton<IPushLog, SqlPushLog>();
        services.AddHttpClient(FcmSender.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<FcmSender>();
        services.TryAddSingleton<ApnsSender>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboxHandler, PushDelivery>());
        return services;
    }
}
