using Microsoft.AspNetCore.Mvc;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Services;
using OpenVerify.Server.Webhooks;

namespace OpenVerify.Server.Console.Pages;

/// <summary>One webhook delivery and every attempt made to send it.</summary>
public sealed class DeliveryModel(IServiceStore services, IWebhookStore webhooks, IWebhookDeliveryStore deliveries, IDeliveryLog log) : WebhookPageModel(services, webhooks)
{
    /// <summary>Attempts shown (a delivery retried for a day has a few dozen).</summary>
    public const int MaxAttempts = 200;

    /// <summary>The delivery.</summary>
    public WebhookDeliveryResource? Delivery { get; private set; }

    /// <summary>Its attempts, in order.</summary>
    public IReadOnlyList<DeliveryAttempt> Attempts { get; private set; } = [];

    /// <summary>What the last action did.</summary>
    public string? Notice { get; private set; }

    /// <summary>GET.</summary>
    public async Task<IActionResult> OnGetAsync(string serviceSid, string webhookSid, long id, string? done)
    {
        var found = await LoadAsync(serviceSid, webhookSid) ? await deliveries.FindAsync(Webhook!.Sid, id, HttpContext.RequestAborted) : null;
        if (found is null)
        {
            return NotFound();
        }

        Notice = Done(done);
        Delivery = WebhookDeliveryResource.From(found, "");
        Attempts = await log.AttemptsAsync(found.Id, MaxAttempts, HttpContext.RequestAborted);
        return Page();
    }
}
