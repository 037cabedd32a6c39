using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Auth;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Http;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Live;

/// <summary>
/// <c>GET …/Entities/{Identity}/Challenges/Events</c>: an OpenVerify extension, not a Twilio route.
/// A device holds it open to learn of its factor's challenges without FCM or APNs (docs/live.md).
/// </summary>
public static class ChallengeEventsApi
{
    /// <summary>The route (a literal segment, so it wins over <c>Challenges/{sid}</c>).</summary>
    public const string Route = "/Services/{serviceSid}/Entities/{identity}/Challenges/Events";

    /// <summary>Maps the stream.</summary>
    public static void MapChallengeEventsApi(this RouteGroupBuilder v2) => v2.MapGet(Route, StreamChallengeEvents);

    /// <summary>
    /// Streams <c>text/event-stream</c>: the factor's pending challenges, then every change, until the
    /// device JWT expires, the factor is deleted or the device hangs up. Everything that can be refused
    /// is refused before the first byte, with a Twilio error body.
    /// </summary>
    public static async Task StreamChallengeEvents(
        Caller caller, string serviceSid, string identity, VerifyForm query, IServiceStore services, IChallengeChanges changes, ChallengeFeed feed,
        IOptions<LiveOptions> options, IOptions<OpenVerifyOptions> serverOptions, IOptions<JsonOptions> json, TimeProvider clock, HttpContext http)
    {
        var cancellationToken = http.RequestAborted;
        if (caller is not DeviceCaller device)
        {
            throw ErrorCatalogue.Unauthorized("The challenge event stream needs a device token");
        }

        await Access.EntityScopeAsync(caller, serviceSid, identity, services, http.Request.Path, cancellationToken);
        var factorSid = query.Sid("FactorSid", SidPrefix.Factor) ?? device.Factor.Sid;
        if (factorSid != device.Factor.Sid)
        {
            throw ErrorCatalogue.Unauthorized("A device may only watch its own factor's challenges");
        }

        var resumeAfter = LastEventId(http.Request);
        // Subscribe before the first read: a change committed after this line wakes the stream.
        using var subscription = await feed.SubscribeStreamAsync(factorSid, cancellationToken);
        var head = await changes.HeadAsync(factorSid, cancellationToken)
            ?? throw ErrorCatalogue.NotFound(http.Request.Path);
        var endsAt = DateTimeOffset.FromUnixTimeSeconds(device.TokenExpires) + Authenticator.Leeway;

        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        // Note: nginx buffers proxied responses unless told not to; a buffered stream is no stream.
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var stream = new ChallengeEventStream(response, subscription, changes, factorSid, VerifyUrls.Base(http),
            serverOptions.Value.PublicUrl ?? "", options.Value.HeartbeatInterval, endsAt, clock,
            json.Value.SerializerOptions);
        try
        {
            await stream.RunAsync(head, resumeAfter, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The device hung up.
        }
    }

    /// <summary>The <c>Last-Event-ID</c> header (the last change number the device saw), or null.</summary>
    private static long? LastEventId(HttpRequest request)
    {
        var value = request.Headers["Last-Event-ID"].ToString();
        if (value.Length == 0)
        {
            return null;
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw ErrorCatalogue.InvalidParameter("Last-Event-ID", "must be the id of an event of this stream");
    }
}
