using System.Collections.Concurrent;
using OpenVerify.TestKit.StandIns;

namespace OpenVerify.EndToEnd.Tests.Fleet;

/// <summary>
/// The writes a fleet acknowledged (2xx received by the client), by SID; what is in flight when an
/// instance dies is not here, because nobody was told it happened.
/// </summary>
internal sealed class Ledger
{
    /// <summary>Acknowledged challenge creations (201), SID → identity.</summary>
    public ConcurrentDictionary<string, string> ChallengesCreated { get; } = new();

    /// <summary>Acknowledged approvals (200 to the device's signed answer).</summary>
    public ConcurrentDictionary<string, bool> Approved { get; } = new();

    /// <summary>Acknowledged factor creations (201 to the device), SID → identity.</summary>
    public ConcurrentDictionary<string, string> FactorsCreated { get; } = new();

    /// <summary>Acknowledged factor verifications (200 with status verified).</summary>
    public ConcurrentDictionary<string, bool> FactorsVerified { get; } = new();

    public int Count => ChallengesCreated.Count + Approved.Count + FactorsCreated.Count + FactorsVerified.Count;

    public override string ToString() =>
        $"{ChallengesCreated.Count} challenge creations, {Approved.Count} approvals, {FactorsCreated.Count} factor creations, {FactorsVerified.Count} factor verifications";

    /// <summary>The webhook events the acknowledged writes promise: (type, the SID the event is about).</summary>
    public IEnumerable<(string Type, string Sid)> PromisedEvents() =>
        FactorsCreated.Keys.Select(s => ("factor.created", s))
            .Concat(FactorsVerified.Keys.Select(s => ("factor.verified", s)))
            .Concat(Approved.Keys.Select(s => ("challenge.approved", s)));

    /// <summary>The SID a received webhook is about: the challenge for challenge events, else the factor.</summary>
    public static string SubjectOf(Delivery webhook) =>
        (webhook.Field("type") ?? "").StartsWith("challenge.", StringComparison.Ordinal) ? webhook.Field("challenge_sid") ?? "" : webhook.Field("factor_sid") ?? "";
}
