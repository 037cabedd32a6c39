using OpenVerify.Server.Challenges;
using OpenVerify.Server.Delivery;

namespace OpenVerify.Server.Factors.Totp;

/// <summary>What became of a TOTP code.</summary>
public enum TotpVerdict
{
    /// <summary>Right, and its step later than any accepted before: the step is now spent.</summary>
    Accepted,
    /// <summary>Wrong, or replayed: counted as a failure (which may just have locked the factor).</summary>
    Refused,
    /// <summary>The factor is locked after too many failures: not even looked at, nothing counted.</summary>
    Locked,
    /// <summary>The factor (or the challenge) no longer exists, or the challenge is no longer pending: nothing written.</summary>
    Gone,
}

/// <summary>One code presented for a factor.</summary>
/// <param name="FactorSid">The factor.</param>
/// <param name="MatchedStep">The time step whose code it is (within the skew window), or null for a wrong code.</param>
/// <param name="Now">Unix seconds.</param>
/// <param name="MaxFailures">Failures that lock the factor.</param>
/// <param name="LockSeconds">How long a lock lasts.</param>
public sealed record TotpAttempt(string FactorSid, long? MatchedStep, long Now, int MaxFailures, long LockSeconds);

/// <summary>The verdict, and until when the factor is locked (when it is, or this attempt locked it).</summary>
public sealed record TotpResult(TotpVerdict Verdict, long? LockedUntil = null);

/// <summary>What an UpdateFactor of a totp factor asks for besides the code; null fields stay.</summary>
public sealed record TotpFactorChange(string? FriendlyName, TotpConfig? Config);

/// <summary>
/// Persistence of TOTP codes on factors. Each method is one unit of work: the replay and
/// brute-force bookkeeping (conditional updates of the factor row, so instances sharing a database
/// agree: of two requests with one code exactly one is accepted) and the change the code allows
/// commit together, or not at all. Events (<c>factor.locked</c> among them) are written in the same unit.
/// </summary>
public interface ITotpStore
{
    /// <summary>
    /// UpdateFactor: with an <paramref name="attempt"/>, an accepted code verifies the factor (events
    /// of <paramref name="whenVerified"/> when this verified it) and applies <paramref name="change"/>;
    /// a refused one applies nothing. Without one, applies <paramref name="change"/>. Returns the
    /// factor as stored afterwards (null when gone).
    /// </summary>
    Task<(TotpResult Result, Factor? Factor)> UpdateFactorAsync(
        string serviceSid, string identity, string sid, TotpAttempt? attempt, TotpFactorChange change, long now,
        Func<Factor, IEnumerable<OutboxMessage>> whenVerified, Func<Factor, IEnumerable<OutboxMessage>> whenLocked, CancellationToken cancellationToken);

    /// <summary>
    /// CreateChallenge with a code: inserts <paramref name="challenge"/> answered at once,
    /// <c>approved</c> for an accepted code and <c>denied</c> for a refused one (its status and
    /// <c>date_responded</c> are set here), with the events of <paramref name="answered"/>. Nothing is
    /// inserted when the factor is locked or gone.
    /// </summary>
    Task<TotpResult> AddAnsweredChallengeAsync(
        Challenge challenge, TotpAttempt attempt, Func<Challenge, IEnumerable<OutboxMessage>> answered,
        Func<Factor, IEnumerable<OutboxMessage>> whenLocked, CancellationToken cancellationToken);

    /// <summary>
    /// UpdateChallenge of a pending totp challenge: an accepted code approves it (with the events of
    /// <paramref name="approved"/>); a refused one leaves it pending. Gone (nothing written, the code
    /// not spent) when the challenge was answered or expired meanwhile.
    /// </summary>
    Task<TotpResult> ApproveChallengeAsync(
        Challenge challenge, string? metadata, TotpAttempt attempt, Func<Challenge, IEnumerable<OutboxMessage>> approved,
        Func<Factor, IEnumerable<OutboxMessage>> whenLocked, CancellationToken cancellationToken);
}
