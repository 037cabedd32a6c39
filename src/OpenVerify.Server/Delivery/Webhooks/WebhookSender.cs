using OpenVerify.Server.Secrets;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OpenVerify.Server.Accounts;
using OpenVerify.Server.Telemetry;
using OpenVerify.Server.Webhooks;

namespace OpenVerify.Server.Delivery.Webhooks;

/// <summary>
/// Handles outbox kind <see cref="OutboxKinds.Webhook"/>: posts one event to one webhook, signed with
/// <c>X-Twilio-Signature</c> (account auth token) and Standard Webhooks headers (the webhook's secret).
/// At-least-once, the same <c>uuid</c> on every try; failures are retried with exponential back-off and
/// jitter until <see cref="WebhookOptions.RetryFor"/> after the event, then dead-lettered. A refused
/// address, a deleted or disabled webhook are dead-lettered at once.
/// </summary>
public sealed class WebhookSender(
    IWebhookStore webhooks, IAccountStore accounts, WebhookClient client, SecretBox vault, IOptionsMonitor<WebhookOptions> options, TimeProvider clock,
    OpenVerifyMetrics metrics) : IOutboxHandler
{
    /// <summary>Sent with every delivery.</summary>
    public const string UserAgent = "OpenVerify-Webhooks/1.0";

    /// <inheritdoc />
    public string Kind => OutboxKinds.Webhook;

    /// <inheritdoc />
    public async Task<OutboxOutcome> HandleAsync(ClaimedMessage message, CancellationToken cancellationToken)
    {
        var outcome = await DeliverAsync(message, cancellationToken);
        metrics.WebhookDelivery(outcome);
        return outcome;
    }

    private async Task<OutboxOutcome> DeliverAsync(ClaimedMessage message, CancellationToken cancellationToken)
    {
        var job = WebhookJob.Parse(message.Payload);
        var e = job.Event;
        var webhook = await webhooks.FindAsync(e.ServiceSid, job.WebhookSid, cancellationToken);
        if (webhook is null)
        {
            return OutboxOutcome.Dead("the webhook was deleted");
        }

        if (webhook.Status != "enabled")
        {
            return OutboxOutcome.Dead("the webhook is disabled");
        }

        var account = await accounts.FindAsync(e.AccountSid, cancellationToken);
        if (account is null)
        {
            return OutboxOutcome.Dead("the account no longer exists");
        }

        string? secret;
        try
        {
            secret = webhook.Secret is null ? null : vault.Open(webhook.Secret, webhook.Sid);
        }
        catch (CryptographicException exception)
        {
            return OutboxOutcome.Dead("cannot sign: " + exception.Message);
        }

        var target = WebhookTarget.Parse(webhook.WebhookUrl);
        var fields = WebhookPayload.Fields(e);
        var body = WebhookPayload.Encode(fields);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        var headers = new List<KeyValuePair<string, string>>
        {
            new("X-Twilio-Signature", WebhookPayload.TwilioSignature(account.AuthToken, target.Url, fields)),
            // Note: Twilio sends this on its webhooks; receivers de-duplicate retries by it.
            new("I-Twilio-Idempotency-Token", e.Uuid),
            new("User-Agent", UserAgent),
        };
        if (secret is not null)
        {
            headers.Add(new("webhook-id", e.Uuid));
            headers.Add(new("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture)));
            headers.Add(new("webhook-signature", WebhookPayload.StandardSignature(WebhookSecret.KeyOf(secret), e.Uuid, timestamp, body)));
        }

        var result = await client.PostAsync(target, body, headers, cancellationToken);
        if (result.Delivered)
        {
            return OutboxOutcome.Done(result.Detail);
        }

        if (result.Refused)
        {
            return OutboxOutcome.Dead(result.Detail);
        }

        var retryFor = options.CurrentValue.RetryFor;
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(message.CreatedAt) + retryFor;
        var now = clock.GetUtcNow();
        if (now >= deadline)
        {
            // A replayed delivery older than the window gets this one try; failing, it is dead again.
            return OutboxOutcome.Dead($"gave up after {message.Attempts} attempt(s) over {retryFor}: {result.Detail}");
        }

        // The last try falls on the deadline itself.
        var delay = Backoff.For(message.Attempts);
        return OutboxOutcome.RetryAfter(now + delay < deadline ? delay : deadline - now, result.Detail);
    }
}
