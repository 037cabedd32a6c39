using Microsoft.AspNetCore.Mvc;
using OpenVerify.Server.Services;
using OpenVerify.Server.Webhooks;

namespace OpenVerify.Server.Console.Pages;

/// <summary>A webhook's deliveries (what <c>openverify webhooks deliveries</c> lists), newest first, with replay for dead ones.</summary>
public sealed class WebhookModel(IServiceStore services, IWebhookStore webhooks, IWebhookDeliveryStore deliveries) : WebhookPageModel(services, webhooks)
{
    /// <summary>This page.</summary>
    public IReadOnlyList<WebhookDeliveryResource> Deliveries { get; private set; } = [];

    /// <summary>The wire state filtered on, if any.</summary>
    public string? State { get; private set; }

    /// <summary>The cursor this page started after.</summary>
    public long? After { get; private set; }

    /// <summary>The next (older) page's cursor.</summary>
    public long? NextAfter { get; private set; }

    /// <summary>What the last action did.</summary>
    public string? Notice { get; private set; }

    /// <summary>GET.</summary>
    public async Task<IActionResult> OnGetAsync(string serviceSid, string webhookSid, string? state, long? after, string? done)
    {
        if (!await LoadAsync(serviceSid, webhookSid))
        {
            return NotFound();
        }

        Notice = Done(done);
        State = string.IsNullOrEmpty(state) ? null : WebhookDeliveryResource.StoreState(state) is null ? null : state;
        var page = Page(after, newestFirst: true);
        var slice = page.Slice(await deliveries.ListAsync(Webhook!.Sid, State is null ? null : WebhookDeliveryResource.StoreState(State), page, HttpContext.RequestAborted));
        Deliveries = slice.Items.Select(d => WebhookDeliveryResource.From(d, "")).ToList();
        After = after;
        NextAfter = slice.HasNext ? slice.Items[^1].Id : null;
        return Page();
    }
}
