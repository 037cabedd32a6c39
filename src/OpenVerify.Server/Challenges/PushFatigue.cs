using System.Security.Cryptography;
using System.Text.Json;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Challenges;

/// <summary>
/// The push-fatigue defences (issue #13, docs/security.md): number matching, the pending limit, the
/// cool-down after denials, and deny-and-report. The counters behind the limits are rows of the
/// challenges table, so every instance sharing a database sees the same ones.
/// </summary>
public static class PushFatigue
{
    /// <summary>The JWS payload member carrying the number the user picked (signed with the approval).</summary>
    public const string NumberClaim = "number_match";

    /// <summary>The JWS payload member saying "I did not request this" (signed with the denial).</summary>
    public const string ReportClaim = "reported";

    /// <summary>The optional form field of the update that asks for a report; it must agree with the signed claim.</summary>
    public const string ReportField = "Reported";

    /// <summary>
    /// A fresh number (10–99, so always two digits) and the three choices the device offers: the
    /// number and two other distinct ones, in random order. All from <see cref="RandomNumberGenerator"/>.
    /// </summary>
    public static (int Number, string ChoicesJson) NewNumber()
    {
        var choices = new List<int>(3);
        while (choices.Count < 3)
        {
            var candidate = RandomNumberGenerator.GetInt32(10, 100);
            if (!choices.Contains(candidate))
            {
                choices.Add(candidate);
            }
        }

        var number = choices[0];
        RandomNumberGenerator.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(choices));
        return (number, JsonSerializer.Serialize(choices));
    }

    /// <summary>The limits in force for a service: its own settings where set, else the server's.</summary>
    public static PushLimits LimitsFor(ServiceSettings settings, PushFatigueOptions defaults) => new(
        settings.PushPendingLimit ?? defaults.PendingLimit,
        settings.PushCooldownDenials ?? defaults.CooldownDenials,
        settings.PushCooldownWindowMinutes is { } window ? window * 60L : (long)defaults.CooldownWindow.TotalSeconds,
        settings.PushCooldownMinutes is { } cooldown ? cooldown * 60L : (long)defaults.Cooldown.TotalSeconds);

    /// <summary>
    /// When the factor's cool-down ends, given its denial times (Unix seconds, ascending), or null when
    /// none was triggered. A denial triggers one when it is at least the Nth within the window ending at
    /// it; the cool-down runs from that denial, so denials during a cool-down extend it.
    /// </summary>
    public static long? CooldownUntil(IReadOnlyList<long> denials, PushLimits limits)
    {
        if (limits.CooldownDenials <= 0)
        {
            return null;
        }

        long? until = null;
        var first = 0;
        for (var i = 0; i < denials.Count; i++)
        {
            while (denials[first] <= denials[i] - limits.CooldownWindowSeconds)
            {
                first++;
            }

            if (i - first + 1 >= limits.CooldownDenials)
            {
                until = denials[i] + limits.CooldownSeconds;
            }
        }

        return until;
    }

    /// <summary>
    /// Whether the denial at <paramref name="now"/> (the last of <paramref name="denials"/>) starts a
    /// cool-down that was not already running: then <c>factor.cooldown</c> is emitted.
    /// </summary>
    public static bool StartsCooldown(IReadOnlyList<long> denials, long now, PushLimits limits)
    {
        var before = CooldownUntil(denials.Take(denials.Count - 1).ToList(), limits);
        var after = CooldownUntil(denials, limits);
        return (before is null || before <= now) && after > now;
    }

    /// <summary>Raises the 429 (20429, Retry-After) for a refused CreateChallenge.</summary>
    public static VerifyError Refusal(ChallengeAdmission admission) => admission.Outcome switch
    {
        AdmissionOutcome.TooManyPending => ErrorCatalogue.TooManyRequests(
            "Too many pending challenges for this factor: answer or wait for one to expire", TimeSpan.FromSeconds(admission.RetryAfterSeconds)),
        AdmissionOutcome.CoolingDown => ErrorCatalogue.TooManyRequests(
            "This factor denied too many challenges recently; new challenges are refused until its cool-down ends", TimeSpan.FromSeconds(admission.RetryAfterSeconds)),
        _ => throw new ArgumentOutOfRangeException(nameof(admission)),
    };

    /// <summary>
    /// The outcome of a signed answer: the status to store and, for a denial that is not plain, its reason.
    /// A wrong number denies; approving without a number on a number-matching challenge (what a Twilio SDK
    /// does) is refused with 69001 and changes nothing; a report must be a signed denial.
    /// </summary>
    public static (string Status, string? DenialReason) Decide(Challenge challenge, SignedAnswer answer, bool? reportField)
    {
        if (reportField is { } asked && asked != answer.Reported)
        {
            throw ErrorCatalogue.ChallengeVerificationFailed($"the {ReportField} field must match the signed {ReportClaim} member");
        }

        if (answer.Reported)
        {
            return answer.Status == ChallengeStatuses.Denied
                ? (ChallengeStatuses.Denied, DenialReasons.Reported)
                : throw ErrorCatalogue.ChallengeVerificationFailed($"only a denial can be {ReportClaim}");
        }

        if (answer.Status != ChallengeStatuses.Approved || challenge.NumberMatch is not { } expected)
        {
            return (answer.Status, null);
        }

        return answer.Number switch
        {
            null => throw ErrorCatalogue.NumberMatchRequired(),
            var picked when picked == expected => (ChallengeStatuses.Approved, null),
            _ => (ChallengeStatuses.Denied, DenialReasons.WrongNumber),
        };
    }
}

/// <summary>The push-fatigue limits in force for one service (seconds; 0 turns a limit off).</summary>
public sealed record PushLimits(int PendingLimit, int CooldownDenials, long CooldownWindowSeconds, long CooldownSeconds)
{
    /// <summary>How far back a CreateChallenge reads denials: a trigger inside the last cool-down, and its window.</summary>
    public long LookbackSeconds => CooldownWindowSeconds + CooldownSeconds;
}

/// <summary>What the device signed: the status, and the OpenVerify extension members.</summary>
public sealed record SignedAnswer(string Status, int? Number, bool Reported);

/// <summary>Whether a CreateChallenge was admitted.</summary>
public enum AdmissionOutcome
{
    /// <summary>Stored, with its push.</summary>
    Added,
    /// <summary>The factor is gone or no longer verified.</summary>
    FactorGone,
    /// <summary>The factor has as many pending challenges as the limit allows.</summary>
    TooManyPending,
    /// <summary>The factor is in a cool-down after denials.</summary>
    CoolingDown,
}

/// <summary>The outcome of a CreateChallenge and, when refused for a limit, how long until it may pass.</summary>
public sealed record ChallengeAdmission(AdmissionOutcome Outcome, long RetryAfterSeconds = 0);
