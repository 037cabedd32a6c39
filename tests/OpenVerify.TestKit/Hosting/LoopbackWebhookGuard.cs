using System.Collections.Concurrent;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Delivery.Webhooks;
using OpenVerify.Server.Webhooks;
using OpenVerify.TestKit.Webhooks;

namespace OpenVerify.TestKit.Hosting;

/// <summary>
/// Stands in front of the real webhook sender in <see cref="TestApi"/>: a delivery whose webhook URL
/// is not loopback is never attempted (tests never send traffic off this machine); it is dead-lettered,
/// recorded, and fails the test that ran the outbox (<see cref="TestApi.DeliverOutboxAsync"/>).
/// </summary>
public sealed class LoopbackWebhookGuard(WebhookSender sender, IWebhookStore webhooks) : IOutboxHandler
{
    public ConcurrentQueue<string> Refused { get; } = new();

    public string Kind => sender.Kind;

    public async Task<OutboxOutcome> HandleAsync(ClaimedMessage message, CancellationToken cancellationToken)
    {
        var job = WebhookJob.Parse(message.Payload);
        var webhook = await webhooks.FindAsync(job.Event.ServiceSid, job.WebhookSid, cancellationToken);
        if (webhook is not null && !LoopbackOnly.Allows(WebhookTarget.Parse(webhook.WebhookUrl).Url))
        {
            Refused.Enqueue(webhook.WebhookUrl);
            return OutboxOutcome.Dead("test guard: not a loopback URL");
        }

        return await sender.HandleAsync(message, cancellationToken);
    }
}
