using System.Diagnostics.Metrics;
using OpenVerify.Server.Delivery;

namespace OpenVerify.Server.Telemetry;

/// <summary>
/// The <c>OpenVerify</c> meter: what happened to challenges, factors, pushes and webhooks, counted
/// once a change is committed (never for a write that lost its condition or rolled back).
/// Note: labels only take values from small fixed sets (event, platform, outcome, kind), never a
/// SID, identity or friendly name: the scrape endpoint is not behind account auth, and a label per
/// service or user would make the series count grow without bound (docs/operations.md).
/// </summary>
public sealed class OpenVerifyMetrics
{
    /// <summary>The meter's (and the activity source's) name.</summary>
    public const string MeterName = "OpenVerify";

    private readonly Counter<long> challenges;
    private readonly Counter<long> factors;
    private readonly Counter<long> pushSends;
    private readonly Counter<long> webhookDeliveries;
    private readonly Histogram<double> deliveryDuration;

    /// <summary>Creates the instruments on a meter of <paramref name="meterFactory"/>.</summary>
    public OpenVerifyMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        challenges = Meter.CreateCounter<long>("openverify.challenges", "{challenge}", "Challenges created, approved, denied and expired (label event)");
        factors = Meter.CreateCounter<long>("openverify.factors", "{factor}", "Push factors created, verified, deleted and expired unverified (label event)");
        pushSends = Meter.CreateCounter<long>("openverify.push.sends", "{push}", "Push attempts by platform (fcm, apn) and outcome (sent, retry, dead, not_configured)");
        webhookDeliveries = Meter.CreateCounter<long>("openverify.webhook.deliveries", "{delivery}", "Webhook delivery attempts by outcome (delivered, retry, dead)");
        deliveryDuration = Meter.CreateHistogram<double>("openverify.outbox.delivery.duration", "s", "Time to deliver one outbox message, by kind and outcome");
    }

    /// <summary>The meter (observable instruments such as <see cref="OutboxGauges"/> are added to it).</summary>
    public Meter Meter { get; }

    /// <summary>Challenge events.</summary>
    public static class ChallengeEvents
    {
        /// <summary>Created.</summary>
        public const string Created = "created";
        /// <summary>Approved by the device.</summary>
        public const string Approved = "approved";
        /// <summary>Denied by the device.</summary>
        public const string Denied = "denied";
        /// <summary>Expired unanswered (counted when the sweep stores it).</summary>
        public const string Expired = "expired";
    }

    /// <summary>Factor events.</summary>
    public static class FactorEvents
    {
        /// <summary>Created (unverified).</summary>
        public const string Created = "created";
        /// <summary>Verified by the device.</summary>
        public const string Verified = "verified";
        /// <summary>Deleted by the backend or the device.</summary>
        public const string Deleted = "deleted";
        /// <summary>Removed unverified after its lifetime.</summary>
        public const string Expired = "expired";
    }

    /// <summary>Counts <paramref name="count"/> challenges that had <paramref name="challengeEvent"/> (a <see cref="ChallengeEvents"/> value).</summary>
    public void Challenge(string challengeEvent, int count = 1)
    {
        if (count > 0)
        {
            challenges.Add(count, new KeyValuePair<string, object?>("event", challengeEvent));
        }
    }

    /// <summary>Counts <paramref name="count"/> factors that had <paramref name="factorEvent"/> (a <see cref="FactorEvents"/> value).</summary>
    public void Factor(string factorEvent, int count = 1)
    {
        if (count > 0)
        {
            factors.Add(count, new KeyValuePair<string, object?>("event", factorEvent));
        }
    }

    /// <summary>Counts one push attempt; <paramref name="outcome"/> is <c>sent</c>, <c>retry</c>, <c>dead</c> or <c>not_configured</c>.</summary>
    public void PushSend(string platform, string outcome) =>
        pushSends.Add(1, new KeyValuePair<string, object?>("platform", BoundedPlatform(platform)), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Counts one push attempt by its outbox outcome.</summary>
    public void PushSend(string platform, OutboxOutcome outcome) => PushSend(platform, outcome switch
    {
        OutboxOutcome.Delivered => "sent",
        OutboxOutcome.Retry => "retry",
        _ => "dead",
    });

    /// <summary>Counts one webhook delivery attempt by its outbox outcome.</summary>
    public void WebhookDelivery(OutboxOutcome outcome) => webhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));

    /// <summary>Records how long one outbox delivery took.</summary>
    public void Delivered(string kind, OutboxOutcome outcome, TimeSpan elapsed) =>
        deliveryDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));

    /// <summary>The outcome's label value.</summary>
    public static string OutcomeName(OutboxOutcome outcome) => outcome switch
    {
        OutboxOutcome.Delivered => "delivered",
        OutboxOutcome.Retry => "retry",
        _ => "dead",
    };

    // A platform comes from stored factor data: only known values become label values.
    private static string BoundedPlatform(string platform) => platform switch
    {
        "fcm" => "fcm",
        "apn" => "apn",
        _ => "other",
    };
}
