using OpenVerify.Server.Delivery;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Challenges;

/// <summary>Persistence of challenges. State changes are conditional, so races resolve in the database.</summary>
public interface IChallengeStore
{
    /// <summary>
    /// Adds a challenge and its outbox messages (the push) in one unit of work, if its factor still
    /// exists and is verified at that moment; false (nothing written) when it does not.
    /// </summary>
    Task<bool> TryAddAsync(Challenge challenge, IEnumerable<OutboxMessage> consequences, CancellationToken cancellationToken);

    /// <summary>The challenge under this service and identity, or null.</summary>
    Task<Challenge?> FindAsync(string serviceSid, string identity, string sid, CancellationToken cancellationToken);

    /// <summary>
    /// A page of the entity's challenges, optionally of one factor and one status. Status filters
    /// see lazily expired challenges as expired (pending past <c>expiration_date</c> at <paramref name="now"/>).
    /// </summary>
    Task<IReadOnlyList<Challenge>> ListAsync(string serviceSid, string identity, string? factorSid, string? status, long now, PageQuery page, CancellationToken cancellationToken);

    /// <summary>
    /// Answers a pending, unexpired challenge; false when it was not pending or had expired at
    /// <paramref name="now"/>. Exactly one of two concurrent answers succeeds.
    /// </summary>
    Task<bool> TryRespondAsync(string sid, string status, string? metadata, long now, IEnumerable<OutboxMessage> consequences, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="TryAddAsync"/> under the push-fatigue limits, checked in the same unit of work with the
    /// factor's row locked (so instances sharing PostgreSQL cannot both take the last pending slot):
    /// refused while the factor has <see cref="PushLimits.PendingLimit"/> pending challenges or is in a
    /// cool-down after denials at <paramref name="now"/>.
    /// </summary>
    Task<ChallengeAdmission> TryAddLimitedAsync(Challenge challenge, IEnumerable<OutboxMessage> consequences, PushLimits limits, long now, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="TryRespondAsync"/> with a denial reason. For a denial, <paramref name="afterDenial"/> gets
    /// the factor's denial times (Unix seconds, ascending, this one included) since <c>now - lookback</c>,
    /// read in the same unit, and returns more outbox messages for it (the cool-down event).
    /// </summary>
    Task<bool> TryAnswerAsync(ChallengeAnswer answer, IEnumerable<OutboxMessage> consequences,
        Func<IReadOnlyList<long>, IEnumerable<OutboxMessage>>? afterDenial, long lookback, CancellationToken cancellationToken);

    /// <summary>The challenge in this service whatever its identity, or null (the admin console's look-up by SID).</summary>
    Task<Challenge?> FindInServiceAsync(string serviceSid, string sid, CancellationToken cancellationToken);

    /// <summary>
    /// When each of <paramref name="factorSids"/> last answered a challenge (Unix seconds); factors that
    /// never did are absent. The admin console's "last seen".
    /// </summary>
    Task<IReadOnlyDictionary<string, long>> LastAnsweredAsync(IReadOnlyCollection<string> factorSids, CancellationToken cancellationToken);

    /// <summary>The service's push-fatigue counters (OpenVerify extension).</summary>
    Task<FatigueCounters> CountFatigueAsync(string serviceSid, long now, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <c>expired</c> on up to <paramref name="max"/> pending challenges past their expiry
    /// (oldest first, skipping any another instance is changing), with their outbox messages; returns them.
    /// </summary>
    Task<IReadOnlyList<Challenge>> ExpireAsync(long now, int max, Func<Challenge, IEnumerable<OutboxMessage>> consequences, CancellationToken cancellationToken);
}

/// <summary>A device's answer to store: the new status, the metadata it sent, and why a denial was not plain.</summary>
public sealed record ChallengeAnswer(string Sid, string FactorSid, string Status, string? Metadata, string? DenialReason, long Now);

/// <summary>Counts over a service's challenges (every instance sees the same: they are rows).</summary>
public sealed record FatigueCounters(long Pending, long Approved, long Denied, long WrongNumber, long Reported);
