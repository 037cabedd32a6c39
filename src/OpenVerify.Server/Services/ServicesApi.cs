using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Auth;
using OpenVerify.Server.Credentials;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Services;

/// <summary><c>/v2/Services</c>: CreateService, ListService, FetchService, UpdateService, DeleteService.</summary>
public static class ServicesApi
{
    /// <summary>Maps the Service operations.</summary>
    public static void MapServicesApi(this RouteGroupBuilder v2)
    {
        var group = v2.MapGroup("/Services");
        group.MapPost("", CreateService);
        group.MapGet("", ListService);
        group.MapGet("/{sid}", FetchService);
        group.MapPost("/{sid}", UpdateService);
        group.MapDelete("/{sid}", DeleteService);
    }

    /// <summary>POST /v2/Services.</summary>
    public static async Task<Created<ServiceResource>> CreateService(Caller caller, VerifyForm form, IServiceStore services, ICredentialStore credentials, TimeProvider clock, HttpContext http)
    {
        var accountSid = Access.RequireAccount(caller);
        var input = ServiceForms.ReadCreate(form);
        await RequireOwnCredentialsAsync(accountSid, input.Settings, credentials, http.RequestAborted);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var service = new Service
        {
            Sid = Sid.New(SidPrefix.Service), AccountSid = accountSid, FriendlyName = input.FriendlyName, Settings = input.Settings.Over(new ServiceSettings()), DateCreated = now, DateUpdated = now,
        };
        await services.AddAsync(service, http.RequestAborted);
        var resource = ServiceResource.From(service, VerifyUrls.Base(http));
        return TypedResults.Created(resource.Url, resource);
    }

    /// <summary>GET /v2/Services.</summary>
    public static async Task<Ok<Dictionary<string, object?>>> ListService(Caller caller, VerifyForm query, IServiceStore services, HttpContext http)
    {
        var accountSid = Access.RequireAccount(caller);
        var page = PageRequest.From(query);
        var pageQuery = page.ToQuery();
        var rows = await services.ListAsync(accountSid, pageQuery, http.RequestAborted);
        var root = VerifyUrls.Base(http);
        return TypedResults.Ok(ListEnvelope.Build("services", ListEnvelope.CollectionUrl(http), page, pageQuery.Slice(rows), s => s.Id, s => ServiceResource.From(s, root)));
    }

    /// <summary>GET /v2/Services/{sid}; devices may read their own service (Android R8).</summary>
    public static async Task<Ok<ServiceResource>> FetchService(Caller caller, string sid, IServiceStore services, HttpContext http)
    {
        var service = await Access.ServiceAsync(caller, sid, services, http.Request.Path, http.RequestAborted);
        return TypedResults.Ok(ServiceResource.From(service, VerifyUrls.Base(http)));
    }

    /// <summary>POST /v2/Services/{sid}.</summary>
    public static async Task<Ok<ServiceResource>> UpdateService(Caller caller, string sid, VerifyForm form, IServiceStore services, ICredentialStore credentials, TimeProvider clock, HttpContext http)
    {
        var accountSid = Access.RequireAccount(caller);
        var service = await Access.ServiceAsync(caller, sid, services, http.Request.Path, http.RequestAborted);
        var input = ServiceForms.ReadUpdate(form);
        await RequireOwnCredentialsAsync(accountSid, input.Settings, credentials, http.RequestAborted);
        service.FriendlyName = input.FriendlyName ?? service.FriendlyName;
        service.Settings = input.Settings.Over(service.Settings);
        service.DateUpdated = clock.GetUtcNow().ToUnixTimeSeconds();
        await services.UpdateAsync(service, http.RequestAborted);
        return TypedResults.Ok(ServiceResource.From(service, VerifyUrls.Base(http)));
    }

    /// <summary>
    /// A push credential the form names must be one of the caller's own (<c>/v1/Credentials</c>): another
    /// account's answers 404 exactly like one that does not exist, so its existence is not revealed.
    /// Only what the form sends is checked: a credential deleted after it was set does not block other updates.
    /// </summary>
    private static async Task RequireOwnCredentialsAsync(string accountSid, ServiceForms.SettingsInput sent, ICredentialStore credentials, CancellationToken cancellationToken)
    {
        foreach (var credentialSid in new[] { sent.ApnCredentialSid, sent.FcmCredentialSid })
        {
            if (credentialSid is not null && await credentials.FindAsync(accountSid, credentialSid, cancellationToken) is null)
            {
                throw ErrorCatalogue.NotFound("/v1/Credentials/" + credentialSid);
            }
        }
    }

    /// <summary>DELETE /v2/Services/{sid}: the service and everything under it.</summary>
    public static async Task<NoContent> DeleteService(Caller caller, string sid, IServiceStore services, HttpContext http)
    {
        var accountSid = Access.RequireAccount(caller);
        if (!Sid.IsValid(sid, SidPrefix.Service) || !await services.DeleteAsync(accountSid, sid, http.RequestAborted))
        {
            throw ErrorCatalogue.NotFound(http.Request.Path);
        }

        return TypedResults.NoContent();
    }
}
