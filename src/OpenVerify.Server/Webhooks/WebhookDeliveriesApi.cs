using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OpenVerify.Protocol.Errors;
using OpenVerify.Server.Auth;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Http;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Webhooks;

/// <summary>
/// <c>…/Webhooks/{Sid}/Deliveries</c> (an OpenVerify addition): ListWebhookDelivery, FetchWebhookDelivery,
/// and ReplayWebhookDelivery, which makes a dead delivery pending again, due now.
/// </summary>
public static class WebhookDeliveriesApi
{
    /// <summary>Maps the delivery operations under a webhook group.</summary>
    public static void MapWebhookDeliveriesApi(this RouteGroupBuilder webhooks)
    {
        webhooks.MapGet("/{sid}/Deliveries", ListWebhookDelivery);
        webhooks.MapGet("/{sid}/Deliveries/{id}", FetchWebhookDelivery);
        webhooks.MapPost("/{sid}/Deliveries/{id}/Replay", ReplayWebhookDelivery);
    }

    /// <summary>GET …/Deliveries[?State=pending|delivered|dead], oldest first.</summary>
    public static async Task<Ok<Dictionary<string, object?>>> ListWebhookDelivery(
        Caller caller, string serviceSid, string sid, VerifyForm query, IServiceStore services, IWebhookStore webhooks, IWebhookDeliveryStore deliveries, HttpContext http)
    {
        var webhook = await WebhooksApi.FindAsync(caller, serviceSid, sid, services, webhooks, http);
        var wireState = query.OneOf("State", "pending", "delivered", "dead");
        var page = PageRequest.From(query);
        var pageQuery = page.ToQuery();
        var rows = await deliveries.ListAsync(webhook.Sid, wireState is null ? null : WebhookDeliveryResource.StoreState(wireState), pageQuery, http.RequestAborted);
        var root = VerifyUrls.Base(http);
        return TypedResults.Ok(ListEnvelope.Build("deliveries", ListEnvelope.CollectionUrl(http), page, pageQuery.Slice(rows), d => d.Id,
            d => WebhookDeliveryResource.From(d, root), [new("State", wireState)]));
    }

    /// <summary>GET …/Deliveries/{id}.</summary>
    public static async Task<Ok<WebhookDeliveryResource>> FetchWebhookDelivery(
        Caller caller, string serviceSid, string sid, string id, IServiceStore services, IWebhookStore webhooks, IWebhookDeliveryStore deliveries, HttpContext http)
    {
        var delivery = await FindAsync(caller, serviceSid, sid, id, services, webhooks, deliveries, http);
        return TypedResults.Ok(WebhookDeliveryResource.From(delivery, VerifyUrls.Base(http)));
    }

    /// <summary>POST …/Deliveries/{id}/Replay: a dead delivery is tried again now (same uuid); 409 when it is not dead.</summary>
    public static async Task<Ok<WebhookDeliveryResource>> ReplayWebhookDelivery(
        Caller caller, string serviceSid, string sid, string id, IServiceStore services, IWebhookStore webhooks, IWebhookDeliveryStore deliveries,
        IOutbox outbox, TimeProvider clock, HttpContext http)
    {
        var delivery = await FindAsync(caller, serviceSid, sid, id, services, webhooks, deliveries, http);
        if (!await outbox.ReviveAsync(delivery.Id, clock.GetUtcNow(), http.RequestAborted))
        {
            throw ErrorCatalogue.Conflict($"Delivery {delivery.Id} is {WebhookDeliveryResource.WireState(delivery.State)}; only a dead delivery can be replayed");
        }

        var revived = await deliveries.FindAsync(delivery.Subject, delivery.Id, http.RequestAborted) ?? throw ErrorCatalogue.NotFound(http.Request.Path);
        return TypedResults.Ok(WebhookDeliveryResource.From(revived, VerifyUrls.Base(http)));
    }

    private static async Task<WebhookDelivery> FindAsync(
        Caller caller, string serviceSid, string sid, string id, IServiceStore services, IWebhookStore webhooks, IWebhookDeliveryStore deliveries, HttpContext http)
    {
        var webhook = await WebhooksApi.FindAsync(caller, serviceSid, sid, services, webhooks, http);
        var delivery = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var rowId)
            ? await deliveries.FindAsync(webhook.Sid, rowId, http.RequestAborted)
            : null;
        return delivery ?? throw ErrorCatalogue.NotFound(http.Request.Path);
    }
}
