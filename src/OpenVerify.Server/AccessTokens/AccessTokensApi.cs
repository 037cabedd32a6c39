using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Sids;
using OpenVerify.Protocol.Signing;
using OpenVerify.Server.Auth;
using OpenVerify.Server.Http;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.AccessTokens;

/// <summary><c>/v2/Services/{ServiceSid}/AccessTokens</c>: CreateAccessToken, FetchAccessToken.</summary>
public static class AccessTokensApi
{
    /// <summary>Maps the AccessToken operations.</summary>
    public static void MapAccessTokensApi(this RouteGroupBuilder v2)
    {
        var group = v2.MapGroup("/Services/{serviceSid}/AccessTokens");
        group.MapPost("", CreateAccessToken);
        group.MapGet("/{sid}", FetchAccessToken);
    }

    /// <summary>POST …/AccessTokens: an enrolment token for one identity's push factor.</summary>
    public static async Task<Created<AccessTokenResource>> CreateAccessToken(Caller caller, string serviceSid, VerifyForm form, IServiceStore services, IAccessTokenStore tokens, TimeProvider clock, HttpContext http)
    {
        Access.RequireAccount(caller);
        var service = await Access.ServiceAsync(caller, serviceSid, services, http.Request.Path, http.RequestAborted);
        var input = AccessTokenForms.ReadCreate(form);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var token = new AccessToken
        {
            Sid = Sid.New(SidPrefix.AccessToken),
            AccountSid = service.AccountSid,
            ServiceSid = service.Sid,
            Identity = input.Identity,
            FactorType = input.FactorType,
            FactorFriendlyName = input.FactorFriendlyName,
            Secret = Base64Url.Encode(RandomNumberGenerator.GetBytes(32)),
            Ttl = input.Ttl,
            DateCreated = now,
            ExpiresAt = now + input.Ttl,
        };
        await tokens.AddAsync(token, http.RequestAborted);
        var resource = AccessTokenResource.From(token, VerifyUrls.Base(http));
        return TypedResults.Created(resource.Url, resource);
    }

    /// <summary>GET …/AccessTokens/{sid}: the same token while it is valid and unused.</summary>
    public static async Task<Ok<AccessTokenResource>> FetchAccessToken(Caller caller, string serviceSid, string sid, IServiceStore services, IAccessTokenStore tokens, TimeProvider clock, HttpContext http)
    {
        Access.RequireAccount(caller);
        var service = await Access.ServiceAsync(caller, serviceSid, services, http.Request.Path, http.RequestAborted);
        var token = Sid.IsValid(sid, SidPrefix.AccessToken) ? await tokens.FindAsync(sid, http.RequestAborted) : null;
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        return token is not null && token.ServiceSid == service.Sid && token.ExpiresAt > now && token.ConsumedAt is null
            ? TypedResults.Ok(AccessTokenResource.From(token, VerifyUrls.Base(http)))
            : throw ErrorCatalogue.NotFound(http.Request.Path);
    }
}
