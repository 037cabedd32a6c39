using Microsoft.AspNetCore.Mvc;
using OpenVerify.Server.Services;
using OpenVerify.Server.Webhooks;

namespace OpenVerify.Server.Console.Pages;

/// <summary>Disable a webhook: GET asks, POST sets its status to disabled through the Webhooks API's store (as UpdateWebhook does), then audits.</summary>
public sealed class DisableWebhookModel(IServiceStore services, IWebhookStore webhooks, IAuditLog audit, TimeProvider clock) : WebhookPageModel(services, webhooks)
{
    /// <summary>GET: the confirmation.</summary>
    public async Task<IActionResult> OnGetAsync(string serviceSid, string webhookSid) =>
        await LoadAsync(serviceSid, webhookSid) ? Page() : NotFound();

    /// <summary>POST: disables, audits, and goes back to the service.</summary>
    public async Task<IActionResult> OnPostAsync(string serviceSid, string webhookSid)
    {
        if (!await LoadAsync(serviceSid, webhookSid))
        {
            return NotFound();
        }

        var webhook = Webhook!;
        var ct = HttpContext.RequestAborted;
        var now = clock.GetUtcNow();
        if (webhook.Status != "disabled")
        {
            webhook.Status = "disabled";
            webhook.DateUpdated = now.ToUnixTimeSeconds();
            await WebhookStore.UpdateAsync(webhook, ct);
            await audit.AddAsync(new AuditEntry(0, AccountSid, Actor, now.ToUnixTimeMilliseconds(), AuditActions.DisableWebhook,
                $"{webhook.ServiceSid}/{webhook.Sid}", $"disabled '{webhook.FriendlyName}' ({webhook.WebhookUrl})"), ct);
        }

        return Redirect(ServicePath(webhook.ServiceSid) + "?done=disabled");
    }
}
