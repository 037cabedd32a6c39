using OpenVerify.Server.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Auth;
using OpenVerify.Server.Http;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Webhooks;

/// <summary><c>/v2/Services/{ServiceSid}/Webhooks</c>: CreateWebhook, ListWebhook, FetchWebhook, UpdateWebhook, DeleteWebhook.</summary>
public static class WebhooksApi
{
    /// <summary>Maps the Webhook operations.</summary>
    public static void MapWebhooksApi(this RouteGroupBuilder v2)
    {
        var group = v2.MapGroup("/Services/{serviceSid}/Webhooks");
        group.MapPost("", CreateWebhook);
        group.MapGet("", ListWebhook);
        group.MapGet("/{sid}", FetchWebhook);
        group.MapPost("/{sid}", UpdateWebhook);
        group.MapDelete("/{sid}", DeleteWebhook);
        group.MapWebhookDeliveriesApi();
    }

    /// <summary>POST …/Webhooks.</summary>
    public static async Task<Created<NewWebhookResource>> CreateWebhook(
        Caller caller, string serviceSid, VerifyForm form, IServiceStore services, IWebhookStore webhooks, SecretBox vault, TimeProvider clock, HttpContext http)
    {
        Access.RequireAccount(caller);
        var service = await Access.ServiceAsync(caller, serviceSid, services, http.Request.Path, http.RequestAborted);
        var input = WebhookForms.ReadCreate(form);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var webhook = new Webhook
        {
            Sid = Sid.New(SidPrefix.Webhook), AccountSid = service.AccountSid, ServiceSid = service.Sid,
            FriendlyName = input.FriendlyName, EventTypes = input.EventTypes, WebhookUrl = input.WebhookUrl, DateCreated = now, DateUpdated = now,
        };
        webhook.Status = input.Status ?? webhook.Status;
        webhook.Version = input.Version ?? webhook.Version;
        var secret = WebhookSecret.New();
        webhook.Secret = vault.Seal(secret, webhook.Sid);
        await webhooks.AddAsync(webhook, http.RequestAborted);
        var resource = NewWebhookResource.From(webhook, secret, VerifyUrls.Base(http));
        return TypedResults.Created(resource.Url, resource);
    }

    /// <summary>GET …/Webhooks.</summary>
    public static async Task<Ok<Dictionary<string, object?>>> ListWebhook(Caller caller, string serviceSid, VerifyForm query, IServiceStore services, IWebhookStore webhooks, HttpContext http)
    {
        Access.RequireAccount(caller);
        var service = await Access.ServiceAsync(caller, serviceSid, services, http.Request.Path, http.RequestAborted);
        var page = PageRequest.From(query);
        var pageQuery = page.ToQuery();
        var rows = await webhooks.ListAsync(service.Sid, pageQuery, http.RequestAborted);
        var root = VerifyUrls.Base(http);
        return TypedResults.Ok(ListEnvelope.Build("webhooks", ListEnvelope.CollectionUrl(http), page, pageQuery.Slice(rows), w => w.Id, w => WebhookResource.From(w, root)));
    }

    /// <summary>GET …/Webhooks/{sid}.</summary>
    public static async Task<Ok<WebhookResource>> FetchWebhook(Caller caller, string serviceSid, string sid, IServiceStore services, IWebhookStore webhooks, HttpContext http) =>
        TypedResults.Ok(WebhookResource.From(await FindAsync(caller, serviceSid, sid, services, webhooks, http), VerifyUrls.Base(http)));

    /// <summary>POST …/Webhooks/{sid}: changes only what is sent.</summary>
    public static async Task<Ok<WebhookResource>> UpdateWebhook(Caller caller, string serviceSid, string sid, VerifyForm form, IServiceStore services, IWebhookStore webhooks, TimeProvider clock, HttpContext http)
    {
        var webhook = await FindAsync(caller, serviceSid, sid, services, webhooks, http);
        var input = WebhookForms.ReadUpdate(form);
        webhook.FriendlyName = input.FriendlyName ?? webhook.FriendlyName;
        if (input.EventTypes is { } types)
        {
            webhook.EventTypes = types;
        }

        webhook.WebhookUrl = input.WebhookUrl ?? webhook.WebhookUrl;
        webhook.Status = input.Status ?? webhook.Status;
        webhook.Version = input.Version ?? webhook.Version;
        webhook.DateUpdated = clock.GetUtcNow().ToUnixTimeSeconds();
        await webhooks.UpdateAsync(webhook, http.RequestAborted);
        return TypedResults.Ok(WebhookResource.From(webhook, VerifyUrls.Base(http)));
    }

    /// <summary>DELETE …/Webhooks/{sid}.</summary>
    public static async Task<NoContent> DeleteWebhook(Caller caller, string serviceSid, string sid, IServiceStore services, IWebhookStore webhooks, HttpContext http)
    {
        var webhook = await FindAsync(caller, serviceSid, sid, services, webhooks, http);
        return await webhooks.DeleteAsync(webhook.ServiceSid, webhook.Sid, http.RequestAborted) ? TypedResults.NoContent() : throw ErrorCatalogue.NotFound(http.Request.Path);
    }

    /// <summary>The webhook at <paramref name="sid"/> in the caller's service, or a 404.</summary>
    internal static async Task<Webhook> FindAsync(Caller caller, string serviceSid, string sid, IServiceStore services, IWebhookStore webhooks, HttpContext http)
    {
        Access.RequireAccount(caller);
        var service = await Access.ServiceAsync(caller, serviceSid, services, http.Request.Path, http.RequestAborted);
        var webhook = Sid.IsValid(sid, SidPrefix.Webhook) ? await webhooks.FindAsync(service.Sid, sid, http.RequestAborted) : null;
        return webhook ?? throw ErrorCatalogue.NotFound(http.Request.Path);
    }
}
