using System.Text.Json;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Delivery.Webhooks;

/// <summary>
/// One event's delivery to one webhook (outbox kind <see cref="OutboxKinds.Webhook"/>). The event is
/// copied in whole at fan-out, so every retry posts the same fields and the same <c>uuid</c>.
/// </summary>
public sealed record WebhookJob(string WebhookSid, VerifyEvent Event)
{
    /// <summary>The outbox message: subject is the webhook (deliveries are listed by it), and the
    /// partition keeps one webhook's events about one entity in order.</summary>
    public OutboxMessage ToMessage() =>
        new(OutboxKinds.Webhook, JsonSerializer.Serialize(this, VerifyJson.Options), Subject: WebhookSid, PartitionKey: $"webhook:{WebhookSid}:{Event.EntitySid}");

    /// <summary>Reads a message payload.</summary>
    public static WebhookJob Parse(string payload) =>
        JsonSerializer.Deserialize<WebhookJob>(payload, VerifyJson.Options) ?? throw new JsonException("empty webhook job");
}
