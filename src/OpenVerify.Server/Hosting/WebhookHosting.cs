using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
        services.AddSingleton<IWebhookDeliveryStore, SqlWebhookDeliveryStore>();
        services.AddSingleton<WebhookClient>();
        services.AddSingleton<WebhookSecretVault>();
        services.AddSingleton<IOutboxHandler, WebhookFanOut>();
        services.AddSingleton<IOutboxHandler, WebhookSender>();
        return services;
    }
}
