using System.Text.Json;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Http;
using OpenVerify.Server.Webhooks;

namespace OpenVerify.Server.Delivery.Webhooks;

/// <summary>
/// Handles outbox kind <see cref="OutboxKinds.Event"/>: turns one domain event into one
/// <see cref="WebhookJob"/> per enabled webhook of the service that takes its type. The jobs are
/// enqueued in the same transaction that completes the event, so a crash never loses or doubles them.
/// </summary>
public sealed class WebhookFanOut(IWebhookStore webhooks, IFactorStore factors) : IOutboxHandler
{
    /// <inheritdoc />
    public string Kind => OutboxKinds.Event;

    /// <inheritdoc />
    public async Task<OutboxOutcome> HandleAsync(ClaimedMessage message, CancellationToken cancellationToken)
    {
        var verifyEvent = JsonSerializer.Deserialize<VerifyEvent>(message.Payload, VerifyJson.Options);
        if (verifyEvent is null)
        {
            return OutboxOutcome.Dead("unreadable event payload");
        }

        var targets = (await webhooks.ListEnabledAsync(verifyEvent.ServiceSid, cancellationToken)).Where(w => w.Takes(verifyEvent.Type)).ToList();
        if (targets.Count == 0)
        {
            return OutboxOutcome.Done("no subscribed webhooks");
        }

        if (string.IsNullOrEmpty(verifyEvent.FactorFriendlyName))
        {
            // Note: the expiry sweep works in bulk and does not read factors; the name is looked up here.
            var factor = await factors.FindAsync(verifyEvent.ServiceSid, verifyEvent.EntityIdentity, verifyEvent.FactorSid, cancellationToken);
            verifyEvent = verifyEvent with { FactorFriendlyName = factor?.FriendlyName ?? "" };
        }

        var jobs = targets.Select(w => new WebhookJob(w.Sid, verifyEvent).ToMessage()).ToList();
        return OutboxOutcome.Done($"fanned out to {jobs.Count} webhook(s)", jobs);
    }
}
