using System.Globalization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Entities;
using OpenVerify.Server.Services;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Console;

/// <summary>
/// What every signed-in console page shares: the session's account and actor, the account-scoped
/// service lookup (another account's SID reads exactly like an unknown one: 404), and paging.
/// </summary>
public abstract class ConsolePageModel : PageModel
{
    /// <summary>Rows per page on every list.</summary>
    public const int PageSize = 25;

    /// <summary>The signed-in account.</summary>
    public string AccountSid => ConsoleSession.AccountSid(User);

    /// <summary>Who signed in (the account SID or an API key SID).</summary>
    public string Actor => ConsoleSession.Actor(User);

    /// <summary>The account's service, or null for a malformed, unknown or another account's SID.</summary>
    protected async Task<Service?> ServiceAsync(IServiceStore services, string serviceSid) =>
        Sid.IsValid(serviceSid, SidPrefix.Service) ? await services.FindAsync(AccountSid, serviceSid, HttpContext.RequestAborted) : null;

    /// <summary>True for an identity the API would accept (others cannot exist).</summary>
    protected static bool IsIdentity(string identity) => Identity.IsValid(identity);

    /// <summary>A keyset page: the first, or the one after row <paramref name="after"/>.</summary>
    protected static PageQuery Page(long? after, bool newestFirst, int size = PageSize) =>
        new(size, newestFirst, after is null ? CursorDirection.None : CursorDirection.After, after ?? 0, 0);

    /// <summary>
    /// The notice after an action's redirect (<c>?done=…</c>). Note: a fixed code, not text, so a link
    /// cannot make the console say something it did not do.
    /// </summary>
    protected static string? Done(string? done) => done switch
    {
        "deleted" => "The factor was deleted; a factor.deleted event went to the webhooks.",
        "replayed" => "Replayed: the delivery was made pending again, for the outbox worker's next poll.",
        "disabled" => "The webhook was disabled: new events are no longer sent to it.",
        "not-dead" => "The delivery was not dead (it may have been replayed already); nothing was changed.",
        _ => null,
    };

    /// <summary>Unix seconds as shown on every page.</summary>
    public static string Time(long unixSeconds) => Time(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

    /// <summary>Unix milliseconds as shown on every page (to the millisecond: attempts are often close together).</summary>
    public static string TimeMs(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>A wire date (<c>2026-06-01T12:00:00Z</c>) as shown on every page; null or unreadable shows as a dash.</summary>
    public static string Wire(string? wire) => Protocol.Wire.TwilioDate.TryParse(wire, out var at) ? Time(at) : "—";

    /// <summary>A setting that is on or off.</summary>
    public static string OnOff(bool on) => on ? "on" : "off";

    /// <summary>An instant as shown on every page.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>The console path of a service.</summary>
    public static string ServicePath(string serviceSid) => "/console/services/" + serviceSid;

    /// <summary>The console path of an entity.</summary>
    public static string EntityPath(string serviceSid, string identity) => ServicePath(serviceSid) + "/entities/" + Uri.EscapeDataString(identity);

    /// <summary>The console path of a challenge.</summary>
    public static string ChallengePath(string serviceSid, string identity, string challengeSid) => EntityPath(serviceSid, identity) + "/challenges/" + challengeSid;

    /// <summary>The console path of a webhook's deliveries.</summary>
    public static string WebhookPath(string serviceSid, string webhookSid) => ServicePath(serviceSid) + "/webhooks/" + webhookSid;

    /// <summary>The console path of one delivery.</summary>
    public static string DeliveryPath(string serviceSid, string webhookSid, long id) => WebhookPath(serviceSid, webhookSid) + "/deliveries/" + id.ToString(CultureInfo.InvariantCulture);
}
