using System.Text.Json;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Delivery;

/// <summary>
/// A push to send for a challenge (outbox kind <see cref="OutboxKinds.Push"/>): everything the
/// sender needs, fixed when the challenge is created, so sending never re-reads the factor.
/// </summary>
public sealed record PushJob(
    string AccountSid, string ServiceSid, string ChallengeSid, string FactorSid, string Platform, string Token,
    string AppId, string Message, long ExpiresAt, string? NotificationSid = null, bool SingleAttempt = false)
{
    /// <summary>
    /// The job for a challenge's factor, or none when the factor has no push platform or token
    /// (the device polls). When <paramref name="settings"/> name no credential for the factor's
    /// platform, the job is only recorded as not sent, with the reason, for the push log: nothing
    /// is queued, claimed or retried for it. <paramref name="ttl"/> bounds how long it may wait for
    /// delivery; <paramref name="singleAttempt"/> (a Notification with Ttl 0) forbids retries.
    /// </summary>
    public static IReadOnlyList<OutboxMessage> For(Challenge challenge, Factor factor, ServiceSettings settings, TimeSpan ttl, DateTimeOffset now, string? notificationSid = null, bool singleAttempt = false)
    {
        if (factor.NotificationPlatform == NotificationPlatforms.None || string.IsNullOrEmpty(factor.NotificationToken))
        {
            return [];
        }

        var challengeEnd = DateTimeOffset.FromUnixTimeSeconds(challenge.ExpirationDate);
        var expires = now + ttl < challengeEnd ? now + ttl : challengeEnd;
        var job = new PushJob(challenge.AccountSid, challenge.ServiceSid, challenge.Sid, factor.Sid, factor.NotificationPlatform,
            factor.NotificationToken, factor.AppId, challenge.Message, expires.ToUnixTimeSeconds(), notificationSid, singleAttempt);
        var (credentialSid, setting) = factor.NotificationPlatform == NotificationPlatforms.Apn
            ? (settings.ApnCredentialSid, "Push.ApnCredentialSid")
            : (settings.FcmCredentialSid, "Push.FcmCredentialSid");
        var notSent = credentialSid is null ? $"not configured: service {challenge.ServiceSid} has no {factor.NotificationPlatform} credential (set {setting})" : null;
        return [new OutboxMessage(OutboxKinds.Push, JsonSerializer.Serialize(job, Http.VerifyJson.Options), Subject: factor.Sid, ExpiresAt: expires, NotSent: notSent)];
    }
}
