using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Telemetry;

namespace OpenVerify.Server.Tests.Telemetry;

/// <summary>
/// The OpenVerify meter of one private server (a listener that only takes that server's meter instance,
/// so parallel tests cannot move its numbers), and the outbox delivery spans with their links.
/// </summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task Counters_and_outbox_gauges_read_exactly_what_this_server_did()
    {
        await using var api = await TestApi.StartAsync(TestApi.OffMachineGuard());
        using var meter = new MeterReading(api.Services.GetRequiredService<OpenVerifyMetrics>().Meter);
        var serviceSid = await api.CreateServiceAsync();
        await api.SubscribeAllEventsAsync(serviceSid);
        var enrolment = await api.EnrolAsync(serviceSid);
        var challenges = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            challenges.Add((await api.CreateChallengeAsync(enrolment))["sid"]!.GetValue<string>());
        }

        await enrolment.Device.ApproveAsync(enrolment.Factor, challenges[0]);
        await enrolment.Device.ApproveAsync(enrolment.Factor, challenges[1]);
        await enrolment.Device.DenyAsync(enrolment.Factor, challenges[2]);

        Assert.Equal(3, meter.Count("openverify.challenges", "event", "created"));
        Assert.Equal(2, meter.Count("openverify.challenges", "event", "approved"));
        Assert.Equal(1, meter.Count("openverify.challenges", "event", "denied"));
        Assert.Equal(1, meter.Count("openverify.factors", "event", "created"));
        Assert.Equal(1, meter.Count("openverify.factors", "event", "verified"));
        Assert.Equal(3, meter.Count("openverify.push.sends", "outcome", "not_configured"));

        // Nothing is delivered yet (no worker): factor.created, factor.verified, 2 approved, 1 denied wait, 90 s old.
        api.Clock.Advance(TimeSpan.FromSeconds(90));
        var (depth, age) = meter.Observe();
        Assert.Equal(5, depth["event"]);
        Assert.Equal(0, depth["webhook"]);
        Assert.Equal(0, depth["push"]);
        Assert.Equal(90, age["event"]);
        Assert.Equal(0, age["webhook"]);

        // The subscribed webhook is on a closed loopback port with private networks off: each delivery is refused for good.
        await api.DeliverOutboxAsync();
        (depth, age) = meter.Observe();
        Assert.All(depth.Values, d => Assert.Equal(0, d));
        Assert.All(age.Values, a => Assert.Equal(0, a));
        Assert.Equal(5, meter.Count("openverify.webhook.deliveries", "outcome", "dead"));
        Assert.Equal(5, meter.Count("openverify.webhook.deliveries"));
    }

    [Fact]
    public async Task An_outbox_delivery_is_a_span_linked_to_the_request_that_caused_it()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is OpenVerifyMetrics.MeterName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using var api = await TestApi.StartAsync(TestApi.OffMachineGuard());
        var serviceSid = await api.CreateServiceAsync();
        await api.SubscribeAllEventsAsync(serviceSid);
        var enrolment = await api.EnrolAsync(serviceSid);
        await api.DeliverOutboxAsync();

        var caller = ActivityTraceId.CreateRandom();
        using var delete = new HttpRequestMessage(HttpMethod.Delete, enrolment.FactorPath);
        delete.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{api.AccountSid}:{api.AuthToken}")));
        delete.Headers.Add("traceparent", $"00-{caller}-{ActivitySpanId.CreateRandom()}-01");
        using (var response = await api.Http.SendAsync(delete))
        {
            Assert.Equal(204, (int)response.StatusCode);
        }

        await api.DeliverOutboxAsync();

        // The factor.deleted event's fan-out links to the DELETE request's trace ...
        var fanOut = Assert.Single(spans, s => s.Source.Name == OpenVerifyMetrics.MeterName && s.Links.Any(l => l.Context.TraceId == caller));
        Assert.Equal("outbox event", fanOut.DisplayName);
        Assert.Equal(ActivityKind.Consumer, fanOut.Kind);
        Assert.NotEqual(caller, fanOut.TraceId);
        Assert.Equal("delivered", fanOut.GetTagItem("openverify.outbox.outcome"));
        // ... and the webhook delivery it queued links to the fan-out's span.
        var delivery = Assert.Single(spans, s => s.Source.Name == OpenVerifyMetrics.MeterName && s.Links.Any(l => l.Context.SpanId == fanOut.SpanId));
        Assert.Equal("outbox webhook", delivery.DisplayName);
        Assert.Equal("dead", delivery.GetTagItem("openverify.outbox.outcome"));
        Assert.Equal(ActivityStatusCode.Error, delivery.Status);
    }

    /// <summary>Sums the counters of one meter instance and reads its outbox gauges on demand.</summary>
    private sealed class MeterReading : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string> Tags)> seen = new();
        private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string> Tags)> observed = new();

        public MeterReading(Meter meter)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
            listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
            listener.Start();
        }

        public double Count(string instrument, string? tag = null, string? value = null) =>
            seen.Where(m => m.Instrument == instrument && (tag is null || m.Tags.GetValueOrDefault(tag) == value)).Sum(m => m.Value);

        public (Dictionary<string, double> Depth, Dictionary<string, double> Age) Observe()
        {
            observed.Clear();
            listener.RecordObservableInstruments();
            Dictionary<string, double> Of(string name) => observed.Where(m => m.Instrument == name).ToDictionary(m => m.Tags["kind"], m => m.Value);
            return (Of("openverify.outbox.depth"), Of("openverify.outbox.oldest_age"));
        }

        public void Dispose() => listener.Dispose();

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, string>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value?.ToString() ?? "";
            }

            (instrument.IsObservable ? observed : seen).Enqueue((instrument.Name, value, copy));
        }
    }
}
