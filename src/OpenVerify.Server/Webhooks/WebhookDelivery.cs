namespace OpenVerify.Server.Webhooks;

/// <summary>One event's delivery to one webhook: an outbox message of kind <c>webhook</c>, as listed.</summary>
public sealed class WebhookDelivery
{
    /// <summary>Outbox row id (creation order).</summary>
    public long Id { get; set; }
    /// <summary>The webhook SID (the message subject).</summary>
    public string Subject { get; set; } = "";
    /// <summary>The <see cref="Delivery.Webhooks.WebhookJob"/> JSON.</summary>
    public string Payload { get; set; } = "";
    /// <summary>pending | done | dead.</summary>
    public string State { get; set; } = "";
    /// <summary>Attempts made (the one in flight included).</summary>
    public int Attempts { get; set; }
    /// <summary>Why the last attempt failed, or null.</summary>
    public string? LastError { get; set; }
    /// <summary>Unix ms.</summary>
    public long CreatedAt { get; set; }
    /// <summary>Unix ms: when the next attempt is due (pending only).</summary>
    public long DueAt { get; set; }
    /// <summary>Unix ms, or null while pending.</summary>
    public long? CompletedAt { get; set; }
    /// <summary>Unix ms of the last recorded attempt, or null.</summary>
    public long? LastAttemptAt { get; set; }
}

/// <summary>Reads webhook deliveries from the outbox (replay goes through <c>IOutbox.ReviveAsync</c>).</summary>
public interface IWebhookDeliveryStore
{
    /// <summary>A page of the webhook's deliveries, optionally of one outbox state.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListAsync(string webhookSid, string? state, Storage.PageQuery page, CancellationToken cancellationToken);

    /// <summary>The delivery, or null when it is not one of this webhook's.</summary>
    Task<WebhookDelivery?> FindAsync(string webhookSid, long id, CancellationToken cancellationToken);
}
