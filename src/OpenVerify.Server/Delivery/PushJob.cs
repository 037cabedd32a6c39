using System.Text.Json;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Factors;

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
    /// (the device polls). <paramref name="ttl"/> bounds how long it may wait for delivery;
    /// <paramref name="singleAttempt"/> (a Notification with Ttl 0) forbids retries.
    /// </summary>
    public static IEnumerable<OutboxMessage> For(Challenge challenge, Factor factor, TimeSpan ttl, DateTimeOffset now, string? notificationSid = null, bool singleAttempt = false)
    {
        if (factor.NotificationPlatform == NotificationPlatforms.None || string.IsNullOrEmpty(factor.NotificationToken))
        {
            yield break;
        }

        var challengeEnd = DateTimeOffset.FromUnixTimeSeconds(challenge.ExpirationDate);
        var expires = now + ttl < challengeEnd ? now + ttl : challengeEnd;
        var job = new PushJob(challenge.AccountSid, challenge.ServiceSid, challenge.Sid, factor.Sid, factor.NotificationPlatform,
            factor.NotificationToken, factor.AppId, challenge.Message, expires.ToUnixTimeSeconds(), notificationSid, singleAttempt);
        yield return new OutboxMessage(OutboxKinds.Push, JsonSerializer.Serialize(job, Http.VerifyJson.Options), Subject: factor.Sid, ExpiresAt: expires);
    }
}
