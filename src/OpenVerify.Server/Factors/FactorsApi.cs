using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Sids;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Accounts;
using OpenVerify.Server.Auth;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Entities;
using OpenVerify.Server.Factors.Totp;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Http;
using OpenVerify.Server.Services;
using OpenVerify.Server.Telemetry;

namespace OpenVerify.Server.Factors;

/// <summary><c>…/Entities/{Identity}/Factors</c>: CreateNewFactor, ListFactor, FetchFactor, UpdateFactor (and verify), DeleteFactor.</summary>
public static class FactorsApi
{
    /// <summary>Maps the Factor operations.</summary>
    public static void MapFactorsApi(this RouteGroupBuilder v2)
    {
        var group = v2.MapGroup("/Services/{serviceSid}/Entities/{identity}/Factors");
        group.MapPost("", CreateNewFactor);
        group.MapGet("", ListFactor);
        group.MapGet("/{sid}", FetchFactor);
        group.MapPost("/{sid}", UpdateFactor);
        group.MapDelete("/{sid}", DeleteFactor);
    }

    /// <summary>POST …/Factors: by a backend, or by a device with an enrolment access token.</summary>
    public static async Task<Created<NewFactorResource>> CreateNewFactor(
        Caller caller, string serviceSid, string identity, VerifyForm form, IServiceStore services, IFactorStore factors,
        IOptions<OpenVerifyOptions> options, TotpCheck totp, IOptions<TotpOptions> totpOptions, TimeProvider clock, OpenVerifyMetrics metrics, HttpContext http)
    {
        string? accessTokenSid = null;
        switch (caller)
        {
            case EnrolmentCaller enrolment:
                if (enrolment.Token.ServiceSid != serviceSid || enrolment.Token.Identity != identity)
                {
                    throw ErrorCatalogue.Unauthorized("The access token is for another service or identity");
                }

                accessTokenSid = enrolment.Token.Sid;
                break;
            case DeviceCaller:
                throw ErrorCatalogue.Unauthorized("Creating a factor needs an access token");
        }

        var service = await Access.ServiceAsync(caller, serviceSid, services, http.Request.Path, http.RequestAborted);
        Identity.Require(identity, "Identity");
        var input = FactorForms.ReadCreate(form);
        FactorRules.RequireCreatable(input.FactorType, byAccessToken: accessTokenSid is not null);
        var isTotp = input.FactorType == FactorTypes.Totp;
        var totpInput = isTotp ? TotpForms.ReadCreate(form) : null;
        var instant = clock.GetUtcNow();
        var now = instant.ToUnixTimeSeconds();
        var factor = new Factor
        {
            Sid = Sid.New(SidPrefix.Factor),
            AccountSid = service.AccountSid,
            ServiceSid = service.Sid,
            Identity = identity,
            CredentialSid = Sid.New(SidPrefix.Credential),
            Status = FactorStatuses.Unverified,
            FriendlyName = input.FriendlyName,
            FactorType = input.FactorType,
            Metadata = input.MetadataJson,
            DateCreated = now,
            DateUpdated = now,
        };
        if (input.Push is { } push)
        {
            factor.PublicKey = push.PublicKey;
            factor.SdkVersion = push.SdkVersion;
            factor.AppId = push.AppId;
            factor.NotificationPlatform = push.NotificationPlatform;
            factor.NotificationToken = push.NotificationToken;
        }

        var totpBinding = totpInput is null ? null : TotpFactors.Prepare(totpInput, factor, service, totp);
        var max = isTotp ? totpOptions.Value.MaxFactorsPerEntity : options.Value.MaxPushFactorsPerEntity;
        var result = await factors.AddAsync(factor, max, accessTokenSid, now,
            added => [VerifyEvent.ForFactor(VerifyEvent.Types.FactorCreated, added, instant)], http.RequestAborted);
        if (result == FactorAddResult.Added)
        {
            metrics.Factor(OpenVerifyMetrics.FactorEvents.Created);
        }

        return result switch
        {
            FactorAddResult.Added => TypedResults.Created(FactorResource.UrlOf(factor, VerifyUrls.Base(http)), NewFactorResource.From(factor, VerifyUrls.Base(http), totpBinding)),
            FactorAddResult.TooManyFactors => throw ErrorCatalogue.TooManyFactors(max, factor.FactorType),
            _ => throw ErrorCatalogue.Unauthorized("Invalid access token"),
        };
    }

    /// <summary>GET …/Factors.</summary>
    public static async Task<Ok<Dictionary<string, object?>>> ListFactor(Caller caller, string serviceSid, string identity, VerifyForm query, IServiceStore services, IFactorStore factors, HttpContext http)
    {
        Access.RequireAccount(caller);
        var service = await Access.ServiceAsync(caller, serviceSid, services, http.Request.Path, http.RequestAborted);
        var page = PageRequest.From(query);
        var pageQuery = page.ToQuery();
        var rows = await factors.ListAsync(service.Sid, identity, pageQuery, http.RequestAborted);
        var root = VerifyUrls.Base(http);
        return TypedResults.Ok(ListEnvelope.Build("factors", ListEnvelope.CollectionUrl(http), page, pageQuery.Slice(rows), f => f.Id, f => FactorResource.From(f, root)));
    }

    /// <summary>GET …/Factors/{sid}: a backend, or the device for its own factor.</summary>
    public static async Task<Ok<FactorResource>> FetchFactor(Caller caller, string serviceSid, string identity, string sid, IServiceStore services, IFactorStore factors, HttpContext http)
    {
        var factor = await FindAsync(caller, serviceSid, identity, sid, services, factors, http);
        return TypedResults.Ok(FactorResource.From(factor, VerifyUrls.Base(http)));
    }

    /// <summary>
    /// POST …/Factors/{sid}: verifies the factor when <c>AuthPayload</c> is sent (base64 DER ECDSA
    /// over the factor SID, docs/protocol/device.md §3.3), and updates name and config.
    /// </summary>
    public static async Task<IResult> UpdateFactor(
        Caller caller, string serviceSid, string identity, string sid, VerifyForm form, IServiceStore services, IFactorStore factors,
        IAccountStore accounts, TotpCheck totp, ITotpStore totpStore, TimeProvider clock, OpenVerifyMetrics metrics, HttpContext http)
    {
        var factor = await FindAsync(caller, serviceSid, identity, sid, services, factors, http);
        if (factor.FactorType == FactorTypes.Totp)
        {
            return await TotpFactors.UpdateAsync(factor, TotpForms.ReadUpdate(form), totp, totpStore, accounts, clock, metrics, http);
        }

        var instant = clock.GetUtcNow();
        var now = instant.ToUnixTimeSeconds();
        // The proof is checked before the rest of the form is read: a wrong one answers 60311 whatever else is sent.
        var authPayload = FactorForms.ReadProof(form);
        if (authPayload is not null)
        {
            FactorRules.RequireProof(factor, authPayload);
        }

        var change = FactorForms.ReadUpdate(form).ChangeOf(factor, verify: authPayload is not null);
        if (!change.IsEmpty)
        {
            var update = await factors.TryUpdateAsync(factor.ServiceSid, factor.Identity, factor.Sid, change, now,
                verified => [VerifyEvent.ForFactor(VerifyEvent.Types.FactorVerified, verified, instant)], http.RequestAborted);
            // Deleted meanwhile: Twilio answers a vanished factor with 404.
            factor = update.Factor ?? throw ErrorCatalogue.NotFound(http.Request.Path);
            if (update.Verified)
            {
                metrics.Factor(OpenVerifyMetrics.FactorEvents.Verified);
            }
        }

        var account = await accounts.FindAsync(factor.AccountSid, http.RequestAborted) ?? throw ErrorCatalogue.NotFound(http.Request.Path);
        return SignedJson.Ok(http, FactorResource.From(factor, VerifyUrls.Base(http)), VerifyHeaders.FactorSignature, account.AuthToken);
    }

    /// <summary>DELETE …/Factors/{sid}: a backend, or the device for its own factor. Its device JWTs stop working.</summary>
    public static async Task<NoContent> DeleteFactor(Caller caller, string serviceSid, string identity, string sid, IServiceStore services, IFactorStore factors, TimeProvider clock, OpenVerifyMetrics metrics, HttpContext http)
    {
        var factor = await FindAsync(caller, serviceSid, identity, sid, services, factors, http);
        if (await DeleteAsync(factor, factors, clock, metrics, http.RequestAborted) is null)
        {
            throw ErrorCatalogue.NotFound(http.Request.Path);
        }

        return TypedResults.NoContent();
    }

    /// <summary>
    /// The domain half of DeleteFactor, shared with the admin console: deletes the factor with its
    /// <c>factor.deleted</c> event in one unit of work and counts it; null when it was gone already.
    /// </summary>
    public static async Task<Factor?> DeleteAsync(Factor factor, IFactorStore factors, TimeProvider clock, OpenVerifyMetrics metrics, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var deleted = await factors.TryDeleteAsync(factor.ServiceSid, factor.Identity, factor.Sid,
            gone => [VerifyEvent.ForFactor(VerifyEvent.Types.FactorDeleted, gone, now)], cancellationToken);
        if (deleted is not null)
        {
            metrics.Factor(OpenVerifyMetrics.FactorEvents.Deleted);
        }

        return deleted;
    }

    private static async Task<Factor> FindAsync(Caller caller, string serviceSid, string identity, string sid, IServiceStore services, IFactorStore factors, HttpContext http)
    {
        var service = await Access.EntityScopeAsync(caller, serviceSid, identity, services, http.Request.Path, http.RequestAborted);
        if (!Sid.IsValid(sid, SidPrefix.Factor) || (caller is DeviceCaller device && device.Factor.Sid != sid))
        {
            throw ErrorCatalogue.NotFound(http.Request.Path);
        }

        return await factors.FindAsync(service.Sid, identity, sid, http.RequestAborted) ?? throw ErrorCatalogue.NotFound(http.Request.Path);
    }
}
