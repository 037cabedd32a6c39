using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Factors;

namespace OpenVerify.Server.Challenges;

/// <summary>The events of an answer: Twilio's approved/denied, and OpenVerify's <c>challenge.reported</c> and <c>factor.cooldown</c>.</summary>
public static class PushFatigueEvents
{
    /// <summary>
    /// <c>challenge.approved</c> or <c>challenge.denied</c> (a wrong number and a report are denials too,
    /// so a receiver written for Twilio sees them as such), then <c>challenge.reported</c> for a report.
    /// </summary>
    public static List<OutboxMessage> ForAnswer(Challenge answered, Factor factor, ChallengeResource shown, DateTimeOffset at)
    {
        var type = answered.Status == ChallengeStatuses.Approved ? VerifyEvent.Types.ChallengeApproved : VerifyEvent.Types.ChallengeDenied;
        var events = new List<OutboxMessage> { VerifyEvent.ForChallenge(type, answered, factor.FriendlyName, shown, at) };
        if (answered.DenialReason == DenialReasons.Reported)
        {
            events.Add(VerifyEvent.ForChallenge(VerifyEvent.Types.ChallengeReported, answered, factor.FriendlyName, shown, at));
        }

        return events;
    }

    /// <summary><c>factor.cooldown</c> when this denial (the last of <paramref name="denials"/>) starts one.</summary>
    public static IEnumerable<OutboxMessage> AfterDenial(IReadOnlyList<long> denials, long now, PushLimits limits, Factor factor, DateTimeOffset at) =>
        PushFatigue.StartsCooldown(denials, now, limits) ? [VerifyEvent.ForFactor(VerifyEvent.Types.FactorCooldown, factor, at)] : [];
}
