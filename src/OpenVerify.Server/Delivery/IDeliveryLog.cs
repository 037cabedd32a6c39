namespace OpenVerify.Server.Delivery;

/// <summary>
/// What the outbox did about one challenge, for the admin console's "why did the phone not get the
/// prompt" page: every message (push, event, webhook delivery) and every attempt, read by index only.
/// </summary>
public interface IDeliveryLog
{
    /// <summary>
    /// Up to <paramref name="max"/> outbox messages about the challenge, oldest first: its pushes (subject
    /// the factor), its events (partition <c>event:{entity}</c>) and their webhook deliveries (partition
    /// <c>webhook:{webhook}:{entity}</c> for each of <see cref="ChallengeTrail.WebhookSids"/>), each with up
    /// to <paramref name="maxAttempts"/> of its attempts, in order.
    /// </summary>
    Task<IReadOnlyList<DeliveryRecord>> ForChallengeAsync(ChallengeTrail trail, int max, int maxAttempts, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> attempts of one outbox message, in order.</summary>
    Task<IReadOnlyList<DeliveryAttempt>> AttemptsAsync(long messageId, int max, CancellationToken cancellationToken);
}

/// <summary>Where a challenge's outbox messages are: its SID, its factor, its entity and the service's webhooks.</summary>
public sealed record ChallengeTrail(string ChallengeSid, string FactorSid, string EntitySid, IReadOnlyList<string> WebhookSids);

/// <summary>One outbox message about a challenge, with its attempts.</summary>
/// <param name="Id">Outbox row.</param>
/// <param name="Kind">push | event | webhook.</param>
/// <param name="Subject">The factor (push), the service (event) or the webhook (webhook).</param>
/// <param name="State">pending | done | dead | skipped (recorded as not sent).</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="LastError">Why the last attempt failed, or why it was not sent.</param>
/// <param name="CreatedAt">Unix ms.</param>
/// <param name="CompletedAt">Unix ms, or null while pending.</param>
/// <param name="Payload">The message's JSON (a push job, an event, a webhook job).</param>
/// <param name="Tries">Its attempts, in order.</param>
public sealed record DeliveryRecord(long Id, string Kind, string? Subject, string State, int Attempts, string? LastError, long CreatedAt, long? CompletedAt, string Payload, IReadOnlyList<DeliveryAttempt> Tries);

/// <summary>One attempt to deliver one outbox message.</summary>
/// <param name="MessageId">Outbox row.</param>
/// <param name="Attempt">From 1 (0: recorded as not sent).</param>
/// <param name="At">Unix ms.</param>
/// <param name="Outcome">delivered | retry | dead | not-sent.</param>
/// <param name="Detail">What the other side answered, or why it was given up.</param>
public sealed record DeliveryAttempt(long MessageId, int Attempt, long At, string Outcome, string? Detail);
