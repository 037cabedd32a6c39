using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OpenVerify.Server.Auth;
using OpenVerify.Server.Http;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Challenges;

/// <summary>
/// <c>GET /v2/Services/{Sid}/PushFatigue</c> (an OpenVerify addition): the service's push-fatigue
/// counters and the limits in force. Counted from the challenges table, so every instance agrees.
/// </summary>
public static class PushFatigueApi
{
    /// <summary>Maps the read.</summary>
    public static void MapPushFatigueApi(this RouteGroupBuilder v2) =>
        v2.MapGet("/Services/{serviceSid}/PushFatigue", FetchPushFatigue);

    /// <summary>GET …/PushFatigue: backends only.</summary>
    public static async Task<Ok<PushFatigueResource>> FetchPushFatigue(
        Caller caller, string serviceSid, IServiceStore services, IChallengeStore challenges, IOptions<PushFatigueOptions> defaults, TimeProvider clock, HttpContext http)
    {
        Access.RequireAccount(caller);
        var service = await Access.ServiceAsync(caller, serviceSid, services, http.Request.Path, http.RequestAborted);
        var counters = await challenges.CountFatigueAsync(service.Sid, clock.GetUtcNow().ToUnixTimeSeconds(), http.RequestAborted);
        var limits = PushFatigue.LimitsFor(service.Settings, defaults.Value);
        return TypedResults.Ok(new PushFatigueResource(
            service.AccountSid, service.Sid, service.Settings.PushNumberMatching, limits.PendingLimit, limits.CooldownDenials,
            limits.CooldownWindowSeconds / 60, limits.CooldownSeconds / 60,
            counters.Pending, counters.Approved, counters.Denied, counters.WrongNumber, counters.Reported,
            VerifyUrls.Service(VerifyUrls.Base(http), service.Sid) + "/PushFatigue"));
    }
}

/// <summary>The wire shape of a service's push-fatigue counters; the limits are the ones in force (service setting or server default).</summary>
public sealed record PushFatigueResource(
    string AccountSid, string ServiceSid, bool NumberMatching, int PendingLimit, int CooldownDenials, long CooldownWindowMinutes, long CooldownMinutes,
    long PendingChallenges, long ApprovedChallenges, long DeniedChallenges, long WrongNumberDenials, long ReportedChallenges, string Url);
