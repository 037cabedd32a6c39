using OpenVerify.Server.Challenges;
using OpenVerify.Server.Delivery;

namespace OpenVerify.Server.Live;

/// <summary>
/// The change log the live channel reads. Every change to a challenge (created, answered, expired)
/// takes the next number of its factor's change sequence in the same unit of work; one factor's
/// numbers commit in order, so "after number N" is a resumable cursor (the event id of a stream).
/// </summary>
public interface IChallengeChanges
{
    /// <summary>The factor's last change number, or null when the factor does not exist (any more).</summary>
    Task<long?> HeadAsync(string factorSid, CancellationToken cancellationToken);

    /// <summary>The factor's challenges pending (and unexpired at <paramref name="now"/>) whose last change is at most <paramref name="upTo"/>, in change order.</summary>
    Task<IReadOnlyList<Challenge>> PendingAsync(string factorSid, long upTo, long now, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> of the factor's challenges changed after <paramref name="cursor"/>, each once as it is now, in change order.</summary>
    Task<IReadOnlyList<Challenge>> ChangedAfterAsync(string factorSid, long cursor, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <c>expired</c> on the factor's pending challenges past their expiry at <paramref name="now"/>
    /// (what the maintenance sweep would do on its next round), with their outbox messages; returns them.
    /// </summary>
    Task<IReadOnlyList<Challenge>> ExpireDueAsync(string factorSid, long now, Func<Challenge, IEnumerable<OutboxMessage>> consequences, CancellationToken cancellationToken);
}
