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
using OpenVerify.Server.Factors;
using OpenVerify.Server.Factors.Totp;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Http;
using OpenVerify.Server.Live;
using OpenVerify.Server.Services;
using OpenVerify.Server.Telemetry;

namespace OpenVerify.Server.Challenges;

/// <summary><c>…/Entities/{Identity}/Challenges</c>: CreateChallenge, ListChallenge, FetchChallenge, UpdateChallenge.</summary>
public static class ChallengesApi
{
    /// <summary>Maps the Challenge operations.</summary>
    public static void MapChallengesApi(this RouteGroupBuilder v2)
    {
        var group = v2.MapGroup("/Services/{serviceSid}/Entities/{identity}/Challenges");
        group.MapPost("", CreateChallenge).RequireRateLimiting(RateLimitOptions.EntityChallengesPolicy);
        group.MapGet("", ListChallenge);
        group.MapGet("/{sid}", FetchChallenge);
        group.MapPost("/{sid}", UpdateChallenge);
    }

    /// <summary>POST …/Challenges: a backend asks the user's device to approve something.</summary>
    public static async Task<Created<ChallengeResource>> CreateChallenge(
        Caller caller, string serviceSid, string identity, VerifyForm form, IServiceStore services, IFactorStore factors,
        IChallengeStore challenges, IOptions<OpenVerifyOptions> options, IOptions<PushFatigueOptions> fatigue, TotpCheck totp, ITotpStore totpStore, TimeProvider clock, OpenVerifyMetrics metrics, HttpContext http)
    {
        Access.RequireAccount(caller);
        var service = await Access.ServiceAsync(caller, serviceSid, services, http.Request.Path, http.RequestAborted);
        var factorSid = ChallengeForms.ReadFactorSid(form);
        var factor = await factors.FindAsync(service.Sid, identity, factorSid, http.RequestAborted)
            ?? throw ErrorCatalogue.NotFound(VerifyUrls.Entity("", service.Sid, identity) + "/Factors/" + factorSid);
        FactorRules.RequireVerified(factor);
        var now = clock.GetUtcNow();
        var input = ChallengeForms.ReadCreate(form, factor.FactorType, now, options.Value.DefaultChallengeExpiry, options.Value.MaxChallengeExpiry);
        var challenge = new Challenge
        {
            Sid = Sid.New(SidPrefix.Challenge),
            AccountSid = factor.AccountSid,
            ServiceSid = factor.ServiceSid,
            EntitySid = factor.EntitySid,
            Identity = factor.Identity,
            FactorSid = factor.Sid,
            FactorType = factor.FactorType,
            Status = ChallengeStatuses.Pending,
            RespondedReason = "none",
            Message = input.Details.Message,
            Fields = input.Details.FieldsJson,
            HiddenDetails = input.Details.HiddenDetailsJson,
            IncludeDate = service.Settings.PushIncludeDate,
            DateCreated = now.ToUnixTimeSeconds(),
            DateUpdated = now.ToUnixTimeSeconds(),
            ExpirationDate = input.ExpirationDate.ToUnixTimeSeconds(),
        };
        if (factor.FactorType == FactorTypes.Totp)
        {
            return await TotpChallenges.CreateAsync(challenge, factor, input.Code, totp, totpStore, challenges, now, metrics, http);
        }

        if (service.Settings.PushNumberMatching)
        {
            (challenge.NumberMatch, challenge.NumberChoices) = PushFatigue.NewNumber();
        }

        var lifetime = DateTimeOffset.FromUnixTimeSeconds(challenge.ExpirationDate) - now;
        var push = PushJob.For(challenge, factor, service.Settings, lifetime, now);
        var admission = await challenges.TryAddLimitedAsync(challenge, push,
            PushFatigue.LimitsFor(service.Settings, fatigue.Value), now.ToUnixTimeSeconds(), http.RequestAborted);
        if (admission.Outcome is AdmissionOutcome.TooManyPending or AdmissionOutcome.CoolingDown)
        {
            throw PushFatigue.Refusal(admission);
        }

        if (admission.Outcome != AdmissionOutcome.Added)
        {
            // Deleted since it was read (here or on another instance).
            throw ErrorCatalogue.NotFound(VerifyUrls.Entity("", service.Sid, identity) + "/Factors/" + factorSid);
        }

        metrics.Challenge(OpenVerifyMetrics.ChallengeEvents.Created);
        if (push is [{ NotSent: not null }])
        {
            metrics.PushSend(factor.NotificationPlatform, "not_configured");
        }

        var resource = ChallengeResource.From(challenge, challenge.DateCreated, VerifyUrls.Base(http));
        return TypedResults.Created(resource.Url, resource);
    }

    /// <summary>GET …/Challenges: a backend, or a device for its own factor's challenges.</summary>
    public static async Task<Ok<Dictionary<string, object?>>> ListChallenge(
        Caller caller, string serviceSid, string identity, VerifyForm query, IServiceStore services, IChallengeStore challenges, TimeProvider clock, HttpContext http)
    {
        var service = await Access.EntityScopeAsync(caller, serviceSid, identity, services, http.Request.Path, http.RequestAborted);
        var factorSid = query.Sid("FactorSid", SidPrefix.Factor);
        if (caller is DeviceCaller device)
        {
            factorSid ??= device.Factor.Sid;
            if (factorSid != device.Factor.Sid)
            {
                throw ErrorCatalogue.Unauthorized("A device may only list its own factor's challenges");
            }
        }

        var status = query.OneOf("Status", ChallengeStatuses.Pending, ChallengeStatuses.Expired, ChallengeStatuses.Approved, ChallengeStatuses.Denied);
        var order = query.OneOf("Order", "asc", "desc") ?? "asc";
        var page = PageRequest.From(query);
        var pageQuery = page.ToQuery(order == "desc");
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var rows = await challenges.ListAsync(service.Sid, identity, factorSid, status, now, pageQuery, http.RequestAborted);
        var root = VerifyUrls.Base(http);
        var filters = new KeyValuePair<string, string?>[] { new("FactorSid", query.Get("FactorSid")), new("Status", status), new("Order", query.Get("Order")) };
        return TypedResults.Ok(ListEnvelope.Build("challenges", ListEnvelope.CollectionUrl(http), page, pageQuery.Slice(rows), c => c.Id, c => ChallengeResource.From(c, now, root, caller is DeviceCaller), filters));
    }

    /// <summary>
    /// GET …/Challenges/{sid}. A pending challenge carries <c>Twilio-Verify-Signature-Fields</c>:
    /// without it the SDKs cannot answer (docs/protocol/device.md §4).
    /// </summary>
    public static async Task<Ok<ChallengeResource>> FetchChallenge(
        Caller caller, string serviceSid, string identity, string sid, VerifyForm query, IServiceStore services, IChallengeStore challenges, ChallengeFeed feed, TimeProvider clock, HttpContext http)
    {
        var waitSeconds = ChallengeWait.Seconds(query);
        var challenge = await FindAsync(caller, serviceSid, identity, sid, services, challenges, http);
        if (waitSeconds > 0)
        {
            // OpenVerify extension (docs/live.md): answer once it is no longer pending, or after WaitSeconds.
            challenge = await ChallengeWait.UntilAnsweredAsync(challenge, waitSeconds.Value, challenges, feed, clock, http.RequestAborted);
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var resource = ChallengeResource.From(challenge, now, VerifyUrls.Base(http), caller is DeviceCaller);
        if (resource.Status == ChallengeStatuses.Pending)
        {
            http.Response.Headers[VerifyHeaders.SignatureFields] = ChallengeRules.SignatureFields;
        }

        return TypedResults.Ok(resource);
    }

    /// <summary>POST …/Challenges/{sid}: the device approves or denies with a signed AuthPayload.</summary>
    public static async Task<IResult> UpdateChallenge(
        Caller caller, string serviceSid, string identity, string sid, VerifyForm form, IServiceStore services, IFactorStore factors,
        IChallengeStore challenges, IAccountStore accounts, IOptions<PushFatigueOptions> fatigue, TotpCheck totp, ITotpStore totpStore, PublicKeys keys, TimeProvider clock, OpenVerifyMetrics metrics, HttpContext http)
    {
        var challenge = await FindAsync(caller, serviceSid, identity, sid, services, challenges, http);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        ChallengeRules.RequirePending(challenge, now);
        var input = ChallengeForms.ReadAnswer(form);
        var factor = caller is DeviceCaller device
            ? device.Factor
            : await factors.FindAsync(challenge.ServiceSid, challenge.Identity, challenge.FactorSid, http.RequestAborted);
        if (factor is null)
        {
            throw ErrorCatalogue.ChallengeVerificationFailed("the challenge's factor no longer exists");
        }

        if (factor.FactorType == FactorTypes.Totp)
        {
            return await TotpChallenges.AnswerAsync(challenge, factor, input, totp, totpStore, challenges, accounts, clock, metrics, http);
        }

        var root = VerifyUrls.Base(http);
        var answer = ChallengeRules.CheckAnswer(input.AuthPayload, factor.PublicKey, ChallengeResource.From(challenge, now, root), keys);
        var (status, denialReason) = PushFatigue.Decide(challenge, answer, ChallengeForms.ReadReported(form));
        var metadataJson = input.MetadataJson;
        // The challenge as it will read once answered: the response and the event show it.
        ChallengeRules.Answer(challenge, status, metadataJson, denialReason, now);
        var shown = ChallengeResource.From(challenge, now, root, forDevice: true);
        var at = DateTimeOffset.FromUnixTimeSeconds(now);
        var events = PushFatigueEvents.ForAnswer(challenge, factor, shown, at);
        var limits = PushFatigue.LimitsFor((await services.FindAsync(challenge.AccountSid, challenge.ServiceSid, http.RequestAborted))?.Settings ?? new(), fatigue.Value);
        if (!await challenges.TryAnswerAsync(new ChallengeAnswer(challenge.Sid, challenge.FactorSid, status, metadataJson, denialReason, now), events,
            denials => PushFatigueEvents.AfterDenial(denials, now, limits, factor, at), limits.LookbackSeconds, http.RequestAborted))
        {
            // Lost a race, or expired meanwhile: answer with what happened.
            var current = await challenges.FindAsync(challenge.ServiceSid, challenge.Identity, challenge.Sid, http.RequestAborted) ?? throw ErrorCatalogue.ChallengeNotFound();
            ChallengeRules.RequirePending(current, clock.GetUtcNow().ToUnixTimeSeconds());
            throw ErrorCatalogue.ChallengeAlreadyResponded();
        }

        metrics.Challenge(status == ChallengeStatuses.Approved ? OpenVerifyMetrics.ChallengeEvents.Approved : OpenVerifyMetrics.ChallengeEvents.Denied);

        var account = await accounts.FindAsync(challenge.AccountSid, http.RequestAborted) ?? throw ErrorCatalogue.ChallengeNotFound();
        return SignedJson.Ok(http, shown, VerifyHeaders.ChallengeSignature, account.AuthToken);
    }

    private static async Task<Challenge> FindAsync(Caller caller, string serviceSid, string identity, string sid, IServiceStore services, IChallengeStore challenges, HttpContext http)
    {
        var service = await Access.EntityScopeAsync(caller, serviceSid, identity, services, http.Request.Path, http.RequestAborted);
        if (!Sid.IsValid(sid, SidPrefix.Challenge))
        {
            throw ErrorCatalogue.InvalidChallengeSid();
        }

        var challenge = await challenges.FindAsync(service.Sid, identity, sid, http.RequestAborted);
        return challenge is null || (caller is DeviceCaller device && challenge.FactorSid != device.Factor.Sid)
            ? throw ErrorCatalogue.ChallengeNotFound()
            : challenge;
    }
}
