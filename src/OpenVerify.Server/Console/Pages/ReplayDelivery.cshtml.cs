using Microsoft.AspNetCore.Mvc;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Services;
using OpenVerify.Server.Webhooks;

namespace OpenVerify.Server.Console.Pages;

/// <summary>Replay a dead delivery: GET asks, POST revives it in the outbox (what <c>webhooks replay</c> and ReplayWebhookDelivery do), then audits.</summary>
public sealed class ReplayDeliveryModel(IServiceStore services, IWebhookStore webhooks, IWebhookDeliveryStore deliveries, IOutbox outbox, IAuditLog audit, TimeProvider clock)
    : WebhookPageModel(services, webhooks)
{
    /// <summary>The delivery.</summary>
    public WebhookDeliveryResource? Delivery { get; private set; }

    /// <summary>GET: the confirmation.</summary>
    public async Task<IActionResult> OnGetAsync(string serviceSid, string webhookSid, long id)
    {
        var found = await FindAsync(serviceSid, webhookSid, id);
        if (found is null)
        {
            return NotFound();
        }

        Delivery = WebhookDeliveryResource.From(found, "");
        return Page();
    }

    /// <summary>POST: replays, audits, and shows the delivery.</summary>
    public async Task<IActionResult> OnPostAsync(string serviceSid, string webhookSid, long id)
    {
        var found = await FindAsync(serviceSid, webhookSid, id);
        if (found is null)
        {
            return NotFound();
        }

        var ct = HttpContext.RequestAborted;
        var now = clock.GetUtcNow();
        var replayed = await outbox.ReviveAsync(found.Id, now, ct);
        if (replayed)
        {
            await audit.AddAsync(new AuditEntry(0, AccountSid, Actor, now.ToUnixTimeMilliseconds(), AuditActions.ReplayDelivery,
                $"{Service!.Sid}/{Webhook!.Sid}/{found.Id}", $"replayed after {found.Attempts} attempt(s): {found.LastError}"), ct);
        }

        return Redirect(DeliveryPath(Service!.Sid, Webhook!.Sid, found.Id) + (replayed ? "?done=replayed" : "?done=not-dead"));
    }

    private async Task<WebhookDelivery?> FindAsync(string serviceSid, string webhookSid, long id) =>
        await LoadAsync(serviceSid, webhookSid) ? await deliveries.FindAsync(Webhook!.Sid, id, HttpContext.RequestAborted) : null;
}
