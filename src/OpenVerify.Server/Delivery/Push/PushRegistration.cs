using OpenVerify.Server.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
        services.AddSingleton<ICredentialStore, SqlCredentialStore>();
        services.AddSingleton<IPushTokenStore, SqlPushTokenStore>();
        services.AddSingleton<IPushLog, SqlPushLog>();
        services.AddHttpClient(FcmSender.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<FcmSender>();
        services.AddSingleton<ApnsSender>();
        services.AddSingleton<IOutboxHandler, PushDelivery>();
        return services;
    }
}
