using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Delivery;

/// <summary>The outbox table: enqueue inside a store's transaction; claim with a lease; settle.</summary>
public interface IOutbox
{
    /// <summary>
    /// Adds messages inside a unit of work. An event is only kept when its service has an enabled
    /// webhook at that moment: nothing would ever deliver it otherwise.
    /// </summary>
    Task AddAsync(WriteScope scope, IEnumerable<OutboxMessage> messages);

    /// <summary>
    /// Claims up to <paramref name="max"/> due messages of the given kinds for <paramref name="owner"/>
    /// until <paramref name="leaseUntil"/>. A message is skipped while an earlier message of its
    /// partition is still pending. A dead instance's lease simply runs out and the message is claimed again.
    /// </summary>
    Task<IReadOnlyList<ClaimedMessage>> ClaimAsync(IReadOnlyCollection<string> kinds, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken);

    /// <summary>Records the attempt and applies the outcome, if <paramref name="owner"/> still holds the lease.</summary>
    Task SettleAsync(ClaimedMessage message, string owner, OutboxOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Makes a dead message pending again, due now (replay); false when it is not dead.</summary>
    Task<bool> ReviveAsync(long id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes settled messages (and their attempts) completed before <paramref name="before"/>.</summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
