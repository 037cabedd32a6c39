namespace OpenVerify.Server.Delivery;

/// <summary>
/// Work to do after a change commits: a push to send, an event to post. Written in the same
/// transaction as the change, so the change and its consequences commit together or not at all.
/// </summary>
/// <param name="Kind">Which handler delivers it (<see cref="OutboxKinds"/>).</param>
/// <param name="Payload">The handler's JSON input.</param>
/// <param name="Subject">What it is about, for listings (a webhook SID, a challenge SID); may be null.</param>
/// <param name="PartitionKey">Messages with the same key are delivered strictly in order; null for none.</param>
/// <param name="ExpiresAt">Dropped, never delivered late, after this instant; null for never.</param>
/// <param name="DueAt">Not before this instant; null for now.</param>
/// <param name="NotSent">
/// When set, the message is only recorded, as settled with this reason and never claimed (a push
/// for a service with no credential for the platform): its log shows why nothing was sent.
/// </param>
public sealed record OutboxMessage(string Kind, string Payload, string? Subject = null, string? PartitionKey = null, DateTimeOffset? ExpiresAt = null, DateTimeOffset? DueAt = null, string? NotSent = null);

/// <summary>A message the worker claimed.</summary>
public sealed class ClaimedMessage
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }
    /// <summary>Handler kind.</summary>
    public string Kind { get; set; } = "";
    /// <summary>Subject, if any.</summary>
    public string? Subject { get; set; }
    /// <summary>Partition, if any.</summary>
    public string? PartitionKey { get; set; }
    /// <summary>JSON input.</summary>
    public string Payload { get; set; } = "";
    /// <summary>This attempt's number, from 1.</summary>
    public int Attempts { get; set; }
    /// <summary>Unix ms.</summary>
    public long CreatedAt { get; set; }
    /// <summary>Unix ms, or null.</summary>
    public long? ExpiresAt { get; set; }
    /// <summary>The W3C traceparent of the request that wrote it (its delivery span links there), or null.</summary>
    public string? TraceParent { get; set; }
}

/// <summary>The kinds of outbox messages.</summary>
public static class OutboxKinds
{
    /// <summary>A push notification for a challenge.</summary>
    public const string Push = "push";
    /// <summary>A domain event, fanned out to subscribed webhooks.</summary>
    public const string Event = "event";
    /// <summary>One event's delivery to one webhook.</summary>
    public const string Webhook = "webhook";
}
