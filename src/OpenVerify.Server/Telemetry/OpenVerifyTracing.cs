using System.Diagnostics;

namespace OpenVerify.Server.Telemetry;

/// <summary>
/// The <c>OpenVerify</c> activity source: one span per outbox delivery, linked to the span of the
/// request (or delivery) whose unit of work wrote the message. Note: a delivery runs long after its
/// request ended, often on another instance, so it starts a trace of its own and links back rather
/// than being a child of a span that closed long ago.
/// </summary>
public static class OpenVerifyTracing
{
    /// <summary>The source; <c>AddSource("OpenVerify")</c> records it.</summary>
    public static readonly ActivitySource Source = new(OpenVerifyMetrics.MeterName, typeof(OpenVerifyTracing).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// The current span as a W3C <c>traceparent</c>, to store with outbox rows; null when nothing
    /// records OpenVerify spans (then no delivery span would link to it, so nothing is stored).
    /// </summary>
    public static string? CurrentTraceParent() =>
        Source.HasListeners() && Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>Starts the span of one outbox delivery, linked to <paramref name="traceParent"/> when it parses.</summary>
    public static Activity? StartDelivery(string kind, long messageId, int attempt, string? traceParent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityLink[]? links = traceParent is not null && ActivityContext.TryParse(traceParent, null, out var cause) ? [new ActivityLink(cause)] : null;
        var activity = Source.StartActivity(ActivityKind.Consumer, default(ActivityContext), links: links, name: "outbox " + kind);
        activity?.SetTag("openverify.outbox.kind", kind);
        activity?.SetTag("openverify.outbox.message_id", messageId);
        activity?.SetTag("openverify.outbox.attempt", attempt);
        return activity;
    }
}
