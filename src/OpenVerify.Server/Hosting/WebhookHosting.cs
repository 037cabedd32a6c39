using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Delivery.Webhooks;
using OpenVerify.Server.Storage.Sql;
using OpenVerify.Server.Webhooks;

namespace OpenVerify.Server.Hosting;

/// <summary>Webhook delivery: options, the event fan-out and webhook outbox handlers, the HTTP client, the deliveries store.</summary>
internal static class WebhookHosting
{
    public static IServiceCollection AddOpenVerifyWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IWebhookDeliveryStore, SqlWebhookDeliveryStore>();
        services.TryAddSingleton<WebhookClient>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboxHandler, WebhookFanOut>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboxHandler, WebhookSender>());
        return services;
    }
}
