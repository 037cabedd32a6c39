using System.Text.Json;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Factors;

namespace OpenVerify.Server.Delivery;

/// <summary>
/// A domain event as stored in the outbox (kind <see cref="OutboxKinds.Event"/>), carrying the
/// fields of the v2 webhook payload (docs/protocol/service-behaviour.md §3). <c>Uuid</c> is fixed when the event
/// happens, so every retry of every delivery carries the same one.
/// </summary>
public sealed record VerifyEvent(
    string Uuid, string Type, string AccountSid, string ServiceSid, string EntitySid, string EntityIdentity,
    string FactorSid, string FactorType, string FactorFriendlyName,
    string? ChallengeSid = null, string? ChallengeDetails = null, string? ChallengeHiddenDetails = null,
    string? ChallengeMetadata = null, string? ChallengeStatus = null, long OccurredAt = 0)
{
    /// <summary>Event type names.</summary>
    public static class Types
    {
        /// <summary>A factor was created.</summary>
        public const string FactorCreated = "factor.created";
        /// <summary>A factor was verified.</summary>
        public const string FactorVerified = "factor.verified";
        /// <summary>A factor was deleted.</summary>
        public const string FactorDeleted = "factor.deleted";
        /// <summary>An unverified factor aged out (OpenVerify only).</summary>
        public const string FactorExpired = "factor.expired";
        /// <summary>A totp factor took too many wrong codes and refuses codes for a while (OpenVerify only).</summary>
        public const string FactorLocked = "factor.locked";
        /// <summary>A challenge was approved.</summary>
        public const string ChallengeApproved = "challenge.approved";
        /// <summary>A challenge was denied.</summary>
        public const string ChallengeDenied = "challenge.denied";
        /// <summary>A challenge expired unanswered (OpenVerify only).</summary>
        public const string ChallengeExpired = "challenge.expired";
        /// <summary>The user denied with "I did not request this" (OpenVerify only; a challenge.denied goes out too).</summary>
        public const string ChallengeReported = "challenge.reported";
        /// <summary>A factor's denials started a cool-down: new challenges are refused for a while (OpenVerify only).</summary>
        public const string FactorCooldown = "factor.cooldown";
    }

    /// <summary>A factor event.</summary>
    public static OutboxMessage ForFactor(string type, Factor factor, DateTimeOffset now) =>
        ToMessage(new VerifyEvent(Guid.NewGuid().ToString(), type, factor.AccountSid, factor.ServiceSid, factor.EntitySid, factor.Identity,
            factor.Sid, factor.FactorType, factor.FriendlyName, OccurredAt: now.ToUnixTimeSeconds()));

    /// <summary>A challenge event; details are the JSON the API shows.</summary>
    public static OutboxMessage ForChallenge(string type, Challenge challenge, string factorFriendlyName, ChallengeResource shown, DateTimeOffset now) =>
        ToMessage(new VerifyEvent(Guid.NewGuid().ToString(), type, challenge.AccountSid, challenge.ServiceSid, challenge.EntitySid, challenge.Identity,
            challenge.FactorSid, challenge.FactorType, factorFriendlyName, challenge.Sid,
            JsonSerializer.Serialize(shown.Details, Http.VerifyJson.Options),
            shown.HiddenDetails is null ? null : JsonSerializer.Serialize(shown.HiddenDetails, Http.VerifyJson.Options),
            shown.Metadata is null ? null : JsonSerializer.Serialize(shown.Metadata, Http.VerifyJson.Options),
            shown.Status, now.ToUnixTimeSeconds()));

    private static OutboxMessage ToMessage(VerifyEvent e) =>
        new(OutboxKinds.Event, JsonSerializer.Serialize(e, Http.VerifyJson.Options), Subject: e.ServiceSid, PartitionKey: "event:" + e.EntitySid);
}
