using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using OpenVerify.Protocol.Sids;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Delivery.Webhooks;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Http;
using OpenVerify.Server.Services;
using OpenVerify.Server.Storage;
using OpenVerify.Server.Webhooks;

namespace OpenVerify.Server.Console.Pages;

/// <summary>One line of a challenge's story, in time order.</summary>
/// <param name="At">Unix ms.</param>
/// <param name="What">What happened.</param>
/// <param name="Outcome">How it went (delivered, retry, dead, not-sent…), if it was an attempt.</param>
/// <param name="Detail">What the other side answered, or why.</param>
/// <param name="Css">ok | warn | bad | muted.</param>
/// <param name="WholeSeconds">
/// The challenge's own times are whole seconds (the wire's resolution) while the outbox's are milliseconds:
/// such an entry is shown to the second, and an answer sorts after everything else in its second.
/// </param>
public sealed record TimelineEntry(long At, string What, string? Outcome, string? Detail, string Css, bool WholeSeconds = false)
{
    /// <summary>The time as shown.</summary>
    public string Shown => WholeSeconds ? ConsolePageModel.Time(At / 1000) : ConsolePageModel.TimeMs(At);
}

/// <summary>
/// A challenge with everything done about it: its details, status and answer, and, in time order, every
/// push and webhook delivery attempt and its error. Answers "why did this user's phone not get the prompt".
/// </summary>
public sealed class ChallengeModel(
    IServiceStore services, IChallengeStore challenges, IFactorStore factors, IWebhookStore webhooks, IDeliveryLog deliveries, TimeProvider clock) : ConsolePageModel
{
    /// <summary>Messages read per challenge (a challenge has a few: its pushes, its events, their deliveries).</summary>
    public const int MaxMessages = 100;

    /// <summary>Attempts read per message.</summary>
    public const int MaxAttempts = 50;

    /// <summary>Webhooks of the service whose deliveries are looked for.</summary>
    public const int MaxWebhooks = 100;

    /// <summary>The service.</summary>
    public Service? Service { get; private set; }

    /// <summary>The challenge.</summary>
    public Challenge? Item { get; private set; }

    /// <summary>Its factor, or null when the factor was deleted since.</summary>
    public Factor? Factor { get; private set; }

    /// <summary>The status as the API shows it now.</summary>
    public string Status { get; private set; } = "";

    /// <summary>The outbox messages about it.</summary>
    public IReadOnlyList<DeliveryRecord> Records { get; private set; } = [];

    /// <summary>Everything, in time order.</summary>
    public IReadOnlyList<TimelineEntry> Timeline { get; private set; } = [];

    /// <summary>The answer to "did the phone get the prompt", in one sentence or two.</summary>
    public (string Text, string Css) Verdict { get; private set; }

    /// <summary>Webhook names by SID.</summary>
    public IReadOnlyDictionary<string, Webhook> WebhooksBySid { get; private set; } = new Dictionary<string, Webhook>();

    /// <summary>GET.</summary>
    public async Task<IActionResult> OnGetAsync(string serviceSid, string identity, string challengeSid)
    {
        var ct = HttpContext.RequestAborted;
        Service = await ServiceAsync(services, serviceSid);
        Item = Service is not null && IsIdentity(identity) && Sid.IsValid(challengeSid, SidPrefix.Challenge)
            ? await challenges.FindAsync(Service.Sid, identity, challengeSid, ct)
            : null;
        if (Service is null || Item is null)
        {
            return NotFound();
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        Status = ChallengeRules.StatusAt(Item, now);
        Factor = await factors.FindAsync(Service.Sid, identity, Item.FactorSid, ct);
        var hooks = await webhooks.ListAsync(Service.Sid, new PageQuery(MaxWebhooks, false, CursorDirection.None, 0, 0), ct);
        WebhooksBySid = hooks.Take(MaxWebhooks).ToDictionary(w => w.Sid, StringComparer.Ordinal);
        Records = await deliveries.ForChallengeAsync(
            new ChallengeTrail(Item.Sid, Item.FactorSid, Item.EntitySid, WebhooksBySid.Keys.ToList()), MaxMessages, MaxAttempts, ct);
        Timeline = BuildTimeline();
        Verdict = Judge();
        return Page();
    }

    /// <summary>The challenge's details JSON, indented, or null.</summary>
    public static string? Pretty(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        }
        catch (JsonException)
        {
            return json;
        }
    }

    /// <summary>What one outbox message is, in words.</summary>
    public string Describe(DeliveryRecord record)
    {
        switch (record.Kind)
        {
            case OutboxKinds.Push:
                var job = JsonSerializer.Deserialize<PushJob>(record.Payload, VerifyJson.Options);
                var via = job?.Platform == NotificationPlatforms.Apn ? "APNs" : "FCM";
                return job?.NotificationSid is { } nt ? $"Push via {via} (re-sent by notification {nt})" : $"Push via {via}";
            case OutboxKinds.Event:
                var e = JsonSerializer.Deserialize<VerifyEvent>(record.Payload, VerifyJson.Options);
                return $"Event {e?.Type} (fan-out to the service's webhooks)";
            default:
                var webhookJob = WebhookJob.Parse(record.Payload);
                var name = WebhooksBySid.TryGetValue(webhookJob.WebhookSid, out var hook) ? $"'{hook.FriendlyName}' ({hook.WebhookUrl})" : webhookJob.WebhookSid + " (deleted)";
                return $"Webhook {webhookJob.Event.Type} to {name}";
        }
    }

    /// <summary>The console path of a webhook delivery, when the record is one and its webhook still exists.</summary>
    public string? DeliveryLink(DeliveryRecord record)
    {
        if (record.Kind != OutboxKinds.Webhook)
        {
            return null;
        }

        var job = WebhookJob.Parse(record.Payload);
        return WebhooksBySid.ContainsKey(job.WebhookSid) ? DeliveryPath(Service!.Sid, job.WebhookSid, record.Id) : null;
    }

    /// <summary>The CSS class of an outbox state or attempt outcome.</summary>
    public static string CssOf(string outcome) => outcome switch
    {
        "delivered" or "done" => "ok",
        "retry" or "pending" => "warn",
        _ => "bad",
    };

    private List<TimelineEntry> BuildTimeline()
    {
        var c = Item!;
        var entries = new List<TimelineEntry> { new(c.DateCreated * 1000, "Challenge created by the app backend", null, c.Message, "muted", WholeSeconds: true) };
        foreach (var record in Records)
        {
            var what = Describe(record);
            if (record.State == "skipped")
            {
                entries.Add(new(record.CreatedAt, what + ": recorded, not sent", "not-sent", record.LastError, "bad"));
                continue;
            }

            entries.Add(new(record.CreatedAt, what + ": queued", null, null, "muted"));
            foreach (var attempt in record.Tries.Where(a => a.Outcome != "not-sent"))
            {
                entries.Add(new(attempt.At, $"{what}: attempt {attempt.Attempt}", attempt.Outcome, attempt.Detail, CssOf(attempt.Outcome)));
            }
        }

        if (c.DateResponded is { } responded)
        {
            var reason = c.DenialReason is null ? "" : $" ({c.DenialReason})";
            entries.Add(new(responded * 1000 + 999, $"The device answered: {c.Status}{reason}", null, null, c.Status == ChallengeStatuses.Approved ? "ok" : "bad", WholeSeconds: true));
        }
        else if (Status == ChallengeStatuses.Expired)
        {
            entries.Add(new(c.ExpirationDate * 1000, "The challenge expired unanswered", null, null, "bad", WholeSeconds: true));
        }

        // Stable: entries at the same millisecond keep the order they were written in.
        return entries.Select((e, i) => (e, i)).OrderBy(x => x.e.At).ThenBy(x => x.i).Select(x => x.e).ToList();
    }

    private (string, string) Judge()
    {
        var c = Item!;
        if (c.FactorType != "push")
        {
            return ($"This is a {c.FactorType} challenge: no push is ever sent for it; the user types a code from their authenticator app.", "warn");
        }

        var answered = c.DateResponded is { } at ? $" The device answered at {Time(at)}: {c.Status}." : Status == ChallengeStatuses.Expired ? $" The device never answered; the challenge expired at {Time(c.ExpirationDate)}." : " The device has not answered yet.";
        var push = Records.LastOrDefault(r => r.Kind == OutboxKinds.Push);
        if (push is null)
        {
            if (Factor is null)
            {
                return ("No push was queued, and the factor has been deleted since, so its push settings at the time are unknown." + answered, "bad");
            }

            return Factor.NotificationPlatform == NotificationPlatforms.None || string.IsNullOrEmpty(Factor.NotificationToken)
                ? ("No push was sent: the factor has no push token (platform none), so the app only learns of challenges when it polls or listens to the live stream. " +
                    "The app did not register for push notifications, or its token was cleared after the push service refused it." + answered, "bad")
                : ("No push was queued, though the factor has a push token now: the token was probably registered after this challenge was created." + answered, "warn");
        }

        var via = JsonSerializer.Deserialize<PushJob>(push.Payload, VerifyJson.Options)?.Platform == NotificationPlatforms.Apn ? "APNs" : "FCM";
        var last = push.Tries.LastOrDefault();
        return push.State switch
        {
            "skipped" => ($"The push was never sent: {push.LastError}." + answered, "bad"),
            "dead" => ($"The push failed after {push.Attempts} attempt(s); {via} or the server said: {push.LastError}." + answered, "bad"),
            "pending" => ($"The push is still being tried ({push.Attempts} attempt(s) so far){(push.LastError is null ? "" : ": " + push.LastError)}." + answered, "warn"),
            _ => ($"{via} accepted the push at {(last is null ? "?" : TimeMs(last.At))}{(last?.Detail is { } d ? $" ({d})" : "")}. From there Google or Apple deliver it to the phone, which this server cannot see: " +
                "if it never arrived, look at the phone (notifications allowed, battery saver, network)." + answered, c.DateResponded is null ? "warn" : "ok"),
        };
    }
}
