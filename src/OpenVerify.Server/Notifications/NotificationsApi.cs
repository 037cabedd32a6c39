using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Auth;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Http;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Notifications;

/// <summary><c>…/Challenges/{ChallengeSid}/Notifications</c>: CreateNotification (re-send the push).</summary>
public static class NotificationsApi
{
    private const int OneAttemptWindowSeconds = 15;

    /// <summary>Maps the Notification operation.</summary>
    public static void MapNotificationsApi(this RouteGroupBuilder v2) =>
        v2.MapPost("/Services/{serviceSid}/Entities/{identity}/Challenges/{challengeSid}/Notifications", CreateNotification);

    /// <summary>
    /// POST …/Notifications: records a re-send request for a pending challenge. A challenge that
    /// is answered (60322) or expired (60323) is refused.
    /// </summary>
    public static async Task<Created<NotificationResource>> CreateNotification(
        Caller caller, string serviceSid, string identity, string challengeSid, VerifyForm form, IServiceStore services,
        IChallengeStore challenges, IFactorStore factors, INotificationStore notifications, TimeProvider clock, HttpContext http)
    {
        Access.RequireAccount(caller);
        var service = await Access.ServiceAsync(caller, serviceSid, services, http.Request.Path, http.RequestAborted);
        if (!Sid.IsValid(challengeSid, SidPrefix.Challenge))
        {
            throw ErrorCatalogue.InvalidChallengeSid();
        }

        var ttl = NotificationForms.ReadCreate(form).Ttl;
        var challenge = await challenges.FindAsync(service.Sid, identity, challengeSid, http.RequestAborted) ?? throw ErrorCatalogue.ChallengeNotFound();
        var instant = clock.GetUtcNow();
        var now = instant.ToUnixTimeSeconds();
        ChallengeRules.RequirePending(challenge, now);
        var factor = await factors.FindAsync(challenge.ServiceSid, challenge.Identity, challenge.FactorSid, http.RequestAborted) ?? throw ErrorCatalogue.ChallengeNotFound();
        var notification = new Notification
        {
            Sid = Sid.New(SidPrefix.Notification),
            AccountSid = challenge.AccountSid,
            ServiceSid = challenge.ServiceSid,
            EntitySid = challenge.EntitySid,
            Identity = challenge.Identity,
            ChallengeSid = challenge.Sid,
            Priority = "high",
            Ttl = ttl,
            DateCreated = now,
        };
        // Note: Ttl 0 means one immediate attempt; the job gets just enough life for that attempt.
        var window = TimeSpan.FromSeconds(ttl == 0 ? OneAttemptWindowSeconds : ttl);
        await notifications.AddAsync(notification, PushJob.For(challenge, factor, service.Settings, window, instant, notification.Sid, singleAttempt: ttl == 0), http.RequestAborted);
        return TypedResults.Created((string?)null, NotificationResource.From(notification));
    }
}
