namespace OpenVerify.Server.Delivery;

/// <summary>What a handler made of one attempt.</summary>
public abstract record OutboxOutcome(string Detail)
{
    /// <summary>Delivered; <paramref name="followUps"/> are enqueued in the same transaction that completes it.</summary>
    public static OutboxOutcome Done(string detail = "delivered", IReadOnlyList<OutboxMessage>? followUps = null) => new Delivered(detail, followUps ?? []);

    /// <summary>Try again after <paramref name="delay"/>.</summary>
    public static OutboxOutcome RetryAfter(TimeSpan delay, string detail) => new Retry(delay, detail);

    /// <summary>Give up: a permanent failure (kept for inspection and replay).</summary>
    public static OutboxOutcome Dead(string detail) => new DeadLetter(detail);

    /// <summary>Delivered.</summary>
    public sealed record Delivered(string Detail, IReadOnlyList<OutboxMessage> FollowUps) : OutboxOutcome(Detail);

    /// <summary>Retry later.</summary>
    public sealed record Retry(TimeSpan Delay, string Detail) : OutboxOutcome(Detail);

    /// <summary>Failed for good.</summary>
    public sealed record DeadLetter(string Detail) : OutboxOutcome(Detail);
}

/// <summary>Delivers one kind of outbox message. Must finish well within the lease.</summary>
public interface IOutboxHandler
{
    /// <summary>The <see cref="OutboxMessage.Kind"/> handled.</summary>
    string Kind { get; }

    /// <summary>Attempts delivery once.</summary>
    Task<OutboxOutcome> HandleAsync(ClaimedMessage message, CancellationToken cancellationToken);
}
