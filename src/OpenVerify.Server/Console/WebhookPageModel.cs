using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Services;
using OpenVerify.Server.Webhooks;

namespace OpenVerify.Server.Console;

/// <summary>The pages under one webhook: the service and the webhook, both scoped to the signed-in account.</summary>
public abstract class WebhookPageModel(IServiceStore services, IWebhookStore webhooks) : ConsolePageModel
{
    /// <summary>The Webhooks API's store, for pages that change a webhook.</summary>
    protected IWebhookStore WebhookStore { get; } = webhooks;

    /// <summary>The service.</summary>
    public Service? Service { get; private set; }

    /// <summary>The webhook.</summary>
    public Webhook? Webhook { get; private set; }

    /// <summary>Loads both; false (answer 404) when either is not the account's.</summary>
    protected async Task<bool> LoadAsync(string serviceSid, string webhookSid)
    {
        Service = await ServiceAsync(services, serviceSid);
        Webhook = Service is not null && Sid.IsValid(webhookSid, SidPrefix.Webhook) ? await WebhookStore.FindAsync(Service.Sid, webhookSid, HttpContext.RequestAborted) : null;
        return Webhook is not null;
    }
}
