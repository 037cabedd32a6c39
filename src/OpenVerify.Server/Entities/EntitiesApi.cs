using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Auth;
using OpenVerify.Server.Http;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Entities;

/// <summary><c>/v2/Services/{ServiceSid}/Entities</c>: CreateEntity, ListEntity, FetchEntity, DeleteEntity.</summary>
public static class EntitiesApi
{
    /// <summary>Maps the Entity operations.</summary>
    public static void MapEntitiesApi(this RouteGroupBuilder v2)
    {
        var group = v2.MapGroup("/Services/{serviceSid}/Entities");
        group.MapPost("", CreateEntity);
        group.MapGet("", ListEntity);
        group.MapGet("/{identity}", FetchEntity);
        group.MapDelete("/{identity}", DeleteEntity);
    }

    /// <summary>POST …/Entities.</summary>
    public static async Task<Created<EntityResource>> CreateEntity(Caller caller, string serviceSid, VerifyForm form, IServiceStore services, IEntityStore entities, TimeProvider clock, HttpContext http)
    {
        Access.RequireAccount(caller);
        var service = await Access.ServiceAsync(caller, serviceSid, services, http.Request.Path, http.RequestAborted);
        var input = EntityForms.ReadCreate(form);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var entity = new Entity { Sid = Sid.New(SidPrefix.Entity), AccountSid = service.AccountSid, ServiceSid = service.Sid, Identity = input.Identity, DateCreated = now, DateUpdated = now };
        if (!await entities.TryAddAsync(entity, http.RequestAborted))
        {
            throw ErrorCatalogue.EntityAlreadyExists();
        }

        var resource = EntityResource.From(entity, VerifyUrls.Base(http));
        return TypedResults.Created(resource.Url, resource);
    }

    /// <summary>GET …/Entities.</summary>
    public static async Task<Ok<Dictionary<string, object?>>> ListEntity(Caller caller, string serviceSid, VerifyForm query, IServiceStore services, IEntityStore entities, HttpContext http)
    {
        Access.RequireAccount(caller);
        var service = await Access.ServiceAsync(caller, serviceSid, services, http.Request.Path, http.RequestAborted);
        var page = PageRequest.From(query);
        var pageQuery = page.ToQuery();
        var rows = await entities.ListAsync(service.Sid, pageQuery, http.RequestAborted);
        var root = VerifyUrls.Base(http);
        return TypedResults.Ok(ListEnvelope.Build("entities", ListEnvelope.CollectionUrl(http), page, pageQuery.Slice(rows), e => e.Id, e => EntityResource.From(e, root)));
    }

    /// <summary>GET …/Entities/{identity}.</summary>
    public static async Task<Ok<EntityResource>> FetchEntity(Caller caller, string serviceSid, string identity, IServiceStore services, IEntityStore entities, HttpContext http)
    {
        Access.RequireAccount(caller);
        var service = await Access.ServiceAsync(caller, serviceSid, services, http.Request.Path, http.RequestAborted);
        var entity = await entities.FindAsync(service.Sid, identity, http.RequestAborted) ?? throw ErrorCatalogue.NotFound(http.Request.Path);
        return TypedResults.Ok(EntityResource.From(entity, VerifyUrls.Base(http)));
    }

    /// <summary>DELETE …/Entities/{identity}: with its factors and challenges.</summary>
    public static async Task<NoContent> DeleteEntity(Caller caller, string serviceSid, string identity, IServiceStore services, IEntityStore entities, HttpContext http)
    {
        Access.RequireAccount(caller);
        var service = await Access.ServiceAsync(caller, serviceSid, services, http.Request.Path, http.RequestAborted);
        return await entities.DeleteAsync(service.Sid, identity, http.RequestAborted) ? TypedResults.NoContent() : throw ErrorCatalogue.NotFound(http.Request.Path);
    }
}
