using System.Text.Json;
using System.Text.Json.Nodes;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Signing;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Auth;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Challenges;

/// <summary>
/// The challenge state machine: pending → approved | denied (by the device's signature) or
/// expired (by time). And the approval check of docs/protocol/device.md §4.
/// </summary>
public static class ChallengeRules
{
    /// <summary>
    /// Fields the device signs back. They never change while the challenge is pending; <c>sid</c>
    /// binds the approval to this challenge, so it cannot be replayed on another.
    /// </summary>
    public const string SignatureFields = "sid,factor_sid,date_created,expiration_date,details,hidden_details";

    private static readonly string[] SignedFieldNames = SignatureFields.Split(',');

    /// <summary>The status as seen at <paramref name="now"/>: pending past expiry reads expired.</summary>
    public static string StatusAt(Challenge challenge, long now) =>
        challenge.Status == ChallengeStatuses.Pending && challenge.ExpirationDate <= now ? ChallengeStatuses.Expired : challenge.Status;

    /// <summary>Raises 60323 for an expired challenge and 60322 for an answered one.</summary>
    public static void RequirePending(Challenge challenge, long now)
    {
        switch (StatusAt(challenge, now))
        {
            case ChallengeStatuses.Pending:
                return;
            case ChallengeStatuses.Expired:
                throw ErrorCatalogue.ChallengeExpired();
            default:
                throw ErrorCatalogue.ChallengeAlreadyResponded();
        }
    }

    /// <summary>
    /// When a new challenge expires: <paramref name="requested"/> (the form's <c>ExpirationDate</c>), which
    /// must be in the future and at most <paramref name="maxExpiry"/> away, else after <paramref name="defaultExpiry"/>.
    /// Raises 60384 otherwise.
    /// </summary>
    public static DateTimeOffset ExpirationOf(DateTimeOffset? requested, DateTimeOffset now, TimeSpan defaultExpiry, TimeSpan maxExpiry)
    {
        if (requested is null)
        {
            return now + defaultExpiry;
        }

        if (requested <= now)
        {
            throw ErrorCatalogue.InvalidChallengeTimeout("ExpirationDate must be in the future");
        }

        // A few seconds of grace: the backend computes "now + 60 min" on its own clock.
        if (requested > now + maxExpiry + TimeSpan.FromSeconds(5))
        {
            throw ErrorCatalogue.InvalidChallengeTimeout($"ExpirationDate must be at most {maxExpiry.TotalMinutes:0} minutes after creation");
        }

        return requested.Value;
    }

    /// <summary>
    /// The transition pending → approved | denied: sets what the challenge reads once answered at
    /// <paramref name="now"/>, so the response and the event show it before the store commits it.
    /// </summary>
    public static void Answer(Challenge challenge, string status, string? metadataJson, string? denialReason, long now)
    {
        challenge.Status = status;
        challenge.RespondedReason = "none";
        challenge.Metadata = metadataJson;
        challenge.DateUpdated = now;
        challenge.DateResponded = now;
        challenge.DenialReason = denialReason;
    }

    /// <summary>
    /// Checks a push AuthPayload: an ES256 JWS signed by the factor's key whose payload repeats every
    /// signature field with the value the server shows (compared as parsed JSON, so key order,
    /// whitespace and <c>\/</c> escapes do not matter, but JSON types do) and asks for approved or
    /// denied as a JSON string.
    /// Returns the requested status; raises 60324 otherwise.
    /// </summary>
    public static string CheckApproval(string authPayload, string publicKey, ChallengeResource shown, PublicKeys keys) =>
        CheckAnswer(authPayload, publicKey, shown, keys).Status;

    /// <summary>
    /// <see cref="CheckApproval"/>, plus the OpenVerify members the device may sign next to the status:
    /// <c>number_match</c> (a JSON integer) and <c>reported</c> (a JSON boolean). Both are under the
    /// signature, and <c>sid</c> is too, so a number cannot be altered nor carried to another challenge.
    /// </summary>
    public static SignedAnswer CheckAnswer(string authPayload, string publicKey, ChallengeResource shown, PublicKeys keys)
    {
        if (!CompactJws.TryParse(authPayload, out var jws))
        {
            throw ErrorCatalogue.ChallengeVerificationFailed("AuthPayload is not a compact JWS of JSON objects (without duplicate members)");
        }

        using (jws)
        {
            if (!jws.HasEs256Header())
            {
                throw ErrorCatalogue.ChallengeVerificationFailed("the AuthPayload header must be {\"typ\":\"JWT\",\"alg\":\"ES256\"}");
            }

            if (!keys.TryRent(publicKey, out var key))
            {
                throw ErrorCatalogue.ChallengeVerificationFailed("the factor has no usable key");
            }

            using (key)
            {
                if (!jws.VerifyEs256(key.Key))
                {
                    throw ErrorCatalogue.ChallengeVerificationFailed("the signature does not verify with the factor's key");
                }
            }

            // Note: duplicate members were refused by TryParse, so one signed "status" cannot say
            // denied to this check and approved to whatever reads the payload next.
            var payload = JsonObject.Create(jws.Payload.RootElement)!;
            var expected = JsonSerializer.SerializeToNode(shown, VerifyJson.Options)!.AsObject();
            foreach (var name in SignedFieldNames)
            {
                if (!payload.TryGetPropertyValue(name, out var signed) || !JsonNode.DeepEquals(signed, expected[name]))
                {
                    throw ErrorCatalogue.ChallengeVerificationFailed($"the signed {name} does not match the challenge");
                }
            }

            var status = payload["status"] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
            if (status is not (ChallengeStatuses.Approved or ChallengeStatuses.Denied))
            {
                throw ErrorCatalogue.ChallengeVerificationFailed("the signed status must be approved or denied");
            }

            int? number = null;
            if (payload.TryGetPropertyValue(PushFatigue.NumberClaim, out var signedNumber))
            {
                number = signedNumber is JsonValue n && n.GetValueKind() == JsonValueKind.Number && n.TryGetValue<int>(out var picked)
                    ? picked
                    : throw ErrorCatalogue.ChallengeVerificationFailed($"the signed {PushFatigue.NumberClaim} must be an integer");
            }

            var reported = false;
            if (payload.TryGetPropertyValue(PushFatigue.ReportClaim, out var signedReport))
            {
                reported = signedReport?.GetValueKind() switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw ErrorCatalogue.ChallengeVerificationFailed($"the signed {PushFatigue.ReportClaim} must be true or false"),
                };
            }

            return new SignedAnswer(status, number, reported);
        }
    }
}
