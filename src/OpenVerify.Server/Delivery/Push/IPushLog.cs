namespace OpenVerify.Server.Delivery.Push;

/// <summary>The attempts of push deliveries, newest first (<c>openverify push-log</c>).</summary>
public interface IPushLog
{
    /// <summary>Up to <paramref name="limit"/> attempts, optionally of one challenge or factor.</summary>
    Task<IReadOnlyList<PushAttempt>> ListAsync(int limit, string? challengeSid, string? factorSid, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> attempts of one service's pushes, newest first, older than attempt
    /// <paramref name="beforeId"/> when given (the admin console's push log, a page at a time).
    /// </summary>
    Task<IReadOnlyList<PushAttempt>> ListForServiceAsync(string serviceSid, long? beforeId, int limit, CancellationToken cancellationToken);
}

/// <summary>One attempt to deliver one push.</summary>
/// <param name="MessageId">Outbox row.</param>
/// <param name="Attempt">Attempt number, from 1.</param>
/// <param name="At">When it was settled.</param>
/// <param name="Outcome">delivered | retry | dead.</param>
/// <param name="Detail">What FCM/APNs answered, or why it was given up.</param>
/// <param name="State">The message's state now: pending | done | dead.</param>
/// <param name="Platform">fcm | apn.</param>
/// <param name="ChallengeSid">The challenge.</param>
/// <param name="FactorSid">The factor.</param>
/// <param name="NotificationSid">The NT… of a re-send, else null.</param>
/// <param name="Id">The attempt's row (newest is highest): where the next page starts.</param>
public sealed record PushAttempt(long MessageId, int Attempt, DateTimeOffset At, string Outcome, string? Detail, string State, string Platform, string ChallengeSid, string FactorSid, string? NotificationSid, long Id = 0);
