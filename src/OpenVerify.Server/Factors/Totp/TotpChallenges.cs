using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Accounts;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Http;
using OpenVerify.Server.Telemetry;

namespace OpenVerify.Server.Factors.Totp;

/// <summary>The totp side of CreateChallenge and UpdateChallenge (<see cref="ChallengesApi"/> hands totp factors here).</summary>
public static class TotpChallenges
{
    /// <summary>
    /// CreateChallenge for a verified totp factor, its details filled in. With a <paramref name="code"/> (<c>AuthPayload</c>) the challenge is
    /// answered as it is created: <c>approved</c> for an accepted code, <c>denied</c> for a wrong or
    /// replayed one (docs/protocol/rest-api.md (b) 45), 60310 while the factor is locked. Without it, it is
    /// created pending for a later UpdateChallenge. Nothing is pushed: there is no device.
    /// </summary>
    public static async Task<Created<ChallengeResource>> CreateAsync(
        Challenge challenge, Factor factor, string? code, TotpCheck totp, ITotpStore store, IChallengeStore challenges, DateTimeOffset instant, OpenVerifyMetrics metrics, HttpContext http)
    {
        var now = instant.ToUnixTimeSeconds();
        var root = VerifyUrls.Base(http);
        if (code is null)
        {
            if (!await challenges.TryAddAsync(challenge, [], http.RequestAborted))
            {
                throw FactorGone(challenge);
            }

            metrics.Challenge(OpenVerifyMetrics.ChallengeEvents.Created);
            return Created(challenge, now, root);
        }

        var result = await store.AddAnsweredChallengeAsync(challenge, totp.Attempt(factor, code, now),
            answered => [AnsweredEvent(answered, factor, now, root, instant)],
            locked => [VerifyEvent.ForFactor(VerifyEvent.Types.FactorLocked, locked, instant)], http.RequestAborted);
        TotpCheck.ThrowIfLocked(result, now);
        if (result.Verdict == TotpVerdict.Gone)
        {
            throw FactorGone(challenge);
        }

        metrics.Challenge(OpenVerifyMetrics.ChallengeEvents.Created);
        metrics.Challenge(challenge.Status == ChallengeStatuses.Approved ? OpenVerifyMetrics.ChallengeEvents.Approved : OpenVerifyMetrics.ChallengeEvents.Denied);
        return Created(challenge, now, root);
    }

    /// <summary>
    /// UpdateChallenge of a pending totp challenge by the backend: an accepted code approves it; a
    /// wrong or replayed one answers 60324 and leaves it pending; 60310 while the factor is locked.
    /// </summary>
    public static async Task<IResult> AnswerAsync(
        Challenge challenge, Factor factor, ChallengeForms.AnswerInput input, TotpCheck totp, ITotpStore store,
        IChallengeStore challenges, IAccountStore accounts, TimeProvider clock, OpenVerifyMetrics metrics, HttpContext http)
    {
        var code = input.AuthPayload;
        if (code.Length is < TotpCheck.MinCodeLength or > TotpCheck.MaxCodeLength)
        {
            throw ErrorCatalogue.InvalidParameter("AuthPayload", $"must be {TotpCheck.MinCodeLength} to {TotpCheck.MaxCodeLength} characters for a totp factor");
        }

        var instant = clock.GetUtcNow();
        var now = instant.ToUnixTimeSeconds();
        var root = VerifyUrls.Base(http);
        var metadataJson = input.MetadataJson;
        // The challenge as it will read once approved: the response and the event show it.
        ChallengeRules.Answer(challenge, ChallengeStatuses.Approved, metadataJson, denialReason: null, now);
        var result = await store.ApproveChallengeAsync(challenge, metadataJson, totp.Attempt(factor, code, now),
            approved => [AnsweredEvent(approved, factor, now, root, instant)],
            locked => [VerifyEvent.ForFactor(VerifyEvent.Types.FactorLocked, locked, instant)], http.RequestAborted);
        TotpCheck.ThrowIfLocked(result, now);
        switch (result.Verdict)
        {
            case TotpVerdict.Refused:
                throw ErrorCatalogue.ChallengeVerificationFailed("the code is not valid");
            case TotpVerdict.Gone:
                // Answered or expired meanwhile (or the factor went): answer with what happened.
                var current = await challenges.FindAsync(challenge.ServiceSid, challenge.Identity, challenge.Sid, http.RequestAborted) ?? throw ErrorCatalogue.ChallengeNotFound();
                ChallengeRules.RequirePending(current, clock.GetUtcNow().ToUnixTimeSeconds());
                throw ErrorCatalogue.ChallengeVerificationFailed("the challenge's factor no longer exists");
        }

        metrics.Challenge(OpenVerifyMetrics.ChallengeEvents.Approved);
        var account = await accounts.FindAsync(challenge.AccountSid, http.RequestAborted) ?? throw ErrorCatalogue.ChallengeNotFound();
        return SignedJson.Ok(http, ChallengeResource.From(challenge, now, root), VerifyHeaders.ChallengeSignature, account.AuthToken);
    }

    private static OutboxMessage AnsweredEvent(Challenge challenge, Factor factor, long now, string root, DateTimeOffset instant) =>
        VerifyEvent.ForChallenge(challenge.Status == ChallengeStatuses.Approved ? VerifyEvent.Types.ChallengeApproved : VerifyEvent.Types.ChallengeDenied,
            challenge, factor.FriendlyName, ChallengeResource.From(challenge, now, root), instant);

    private static Created<ChallengeResource> Created(Challenge challenge, long now, string root)
    {
        var resource = ChallengeResource.From(challenge, now, root);
        return TypedResults.Created(resource.Url, resource);
    }

    // Deleted since it was read (here or on another instance).
    private static VerifyError FactorGone(Challenge challenge) =>
        ErrorCatalogue.NotFound(VerifyUrls.Entity("", challenge.ServiceSid, challenge.Identity) + "/Factors/" + challenge.FactorSid);
}
