using OpenVerify.Server.Secrets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Credentials;
using OpenVerify.Server.Http;
using OpenVerify.Server.Services;
using OpenVerify.Server.Telemetry;

namespace OpenVerify.Server.Delivery.Push;

/// <summary>
/// The outbox handler for <see cref="OutboxKinds.Push"/>: sends a challenge's push through the
/// service's FCM or APNs credential. Timeouts, 429 and 5xx are retried with back-off (at least the
/// platform's Retry-After) until the push's TTL; a rejected token is cleared on the factor; anything
/// else that cannot succeed (no credential, bad credential) is dead-lettered with its reason, so it
/// is neither retried forever nor able to hold up challenge creation or other users.
/// </summary>
public sealed class PushDelivery(
    IServiceStore services, ICredentialStore credentials, SecretBox box, FcmSender fcm, ApnsSender apns, IPushTokenStore tokens,
    TimeProvider clock, OpenVerifyMetrics metrics, ILogger<PushDelivery> logger) : IOutboxHandler
{
    /// <inheritdoc />
    public string Kind => OutboxKinds.Push;

    /// <inheritdoc />
    public async Task<OutboxOutcome> HandleAsync(ClaimedMessage message, CancellationToken cancellationToken)
    {
        var job = JsonSerializer.Deserialize<PushJob>(message.Payload, VerifyJson.Options);
        if (job is null)
        {
            return OutboxOutcome.Dead("unreadable push job");
        }

        var outcome = await SendAsync(job, message, cancellationToken);
        metrics.PushSend(job.Platform, outcome);
        return outcome;
    }

    private async Task<OutboxOutcome> SendAsync(PushJob job, ClaimedMessage message, CancellationToken cancellationToken)
    {
        var service = await services.FindAsync(job.AccountSid, job.ServiceSid, cancellationToken);
        if (service is null)
        {
            return OutboxOutcome.Dead($"service {job.ServiceSid} no longer exists");
        }

        var settings = service.Settings;
        var (credentialSid, setting) = job.Platform switch
        {
            NotificationPlatforms.Fcm => (settings.FcmCredentialSid, "Push.FcmCredentialSid"),
            NotificationPlatforms.Apn => (settings.ApnCredentialSid, "Push.ApnCredentialSid"),
            _ => (null, null),
        };
        if (setting is null)
        {
            return OutboxOutcome.Dead($"platform '{job.Platform}' has no push sender");
        }

        if (credentialSid is null)
        {
            return Dead(job, $"service {service.Sid} has no {job.Platform} credential: set {setting} to a CR… from /v1/Credentials");
        }

        var credential = await credentials.FindAsync(job.AccountSid, credentialSid, cancellationToken);
        if (credential is null)
        {
            return Dead(job, $"credential {credentialSid} ({setting} of service {service.Sid}) does not exist");
        }

        if (credential.Type != job.Platform)
        {
            return Dead(job, $"credential {credentialSid} is of type {credential.Type}, but {setting} needs {job.Platform}");
        }

        PushSecret secret;
        try
        {
            secret = credential.OpenSecret(box);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException or InvalidOperationException)
        {
            return Dead(job, $"credential {credentialSid} cannot be decrypted with this server's key (OpenVerify:Secrets:Key): {e.Message}");
        }

        var hideMessage = settings.PushHideMessage;
        var result = credential.Type == PushCredentialTypes.Fcm
            ? await fcm.SendAsync(credential, secret, job, hideMessage, cancellationToken)
            : await apns.SendAsync(credential, secret, job, hideMessage, cancellationToken);
        return await OutcomeOfAsync(job, message, result, cancellationToken);
    }

    private async Task<OutboxOutcome> OutcomeOfAsync(PushJob job, ClaimedMessage message, PushResult result, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        switch (result.Kind)
        {
            case PushResultKind.Sent:
                return OutboxOutcome.Done(result.Detail);
            case PushResultKind.BadToken:
                var cleared = await tokens.ClearTokenAsync(job.FactorSid, job.Token, now.ToUnixTimeSeconds(), cancellationToken);
                logger.LogInformation("Push token of factor {Factor} rejected ({Detail}); cleared: {Cleared}", job.FactorSid, result.Detail, cleared);
                return OutboxOutcome.Dead(result.Detail + (cleared ? "; token cleared on the factor" : "; token already replaced"));
            case PushResultKind.Transient when job.SingleAttempt:
                return OutboxOutcome.Dead(result.Detail + "; not retried: Ttl 0 asks for one attempt");
            case PushResultKind.Transient:
                var delay = Backoff.For(message.Attempts);
                if (result.RetryAfter is { } asked && asked > delay)
                {
                    delay = asked;
                }

                if (now + delay >= DateTimeOffset.FromUnixTimeSeconds(job.ExpiresAt))
                {
                    return OutboxOutcome.Dead(result.Detail + "; dropped: the TTL ends before the next try");
                }

                return OutboxOutcome.RetryAfter(delay, result.Detail);
            default:
                return Dead(job, result.Detail);
        }
    }

    private OutboxOutcome Dead(PushJob job, string reason)
    {
        logger.LogWarning("Push for challenge {Challenge} dead-lettered: {Reason}", job.ChallengeSid, reason);
        return OutboxOutcome.Dead(reason);
    }
}
