using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Telemetry;

namespace OpenVerify.Server.Delivery;

/// <summary>
/// Delivers outbox messages with their handlers: claims due messages under a lease (so instances
/// sharing a database never deliver the same message at once, and a dead instance's messages are
/// taken over when its lease runs out), runs the handler, records the attempt and applies the outcome.
/// At-least-once: a crash after sending but before settling sends again after the lease. Each
/// delivery is one span of the <c>OpenVerify</c> activity source, linked to the request that wrote it.
/// </summary>
public sealed class OutboxWorker(
    IOutbox outbox, IEnumerable<IOutboxHandler> handlers, OutboxSignal signal, IOptions<OpenVerifyOptions> options,
    TimeProvider clock, OpenVerifyMetrics metrics, ILogger<OutboxWorker> logger) : BackgroundService
{
    private readonly Dictionary<string, IOutboxHandler> byKind = handlers.ToDictionary(h => h.Kind);

    /// <summary>This instance's lease owner id.</summary>
    public string Owner { get; } = Environment.MachineName + "/" + Environment.ProcessId + "/" + Sid.New("").Substring(0, 8);

    /// <summary>Claims and delivers one batch; returns how many messages were handled. Tests drive this directly.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (byKind.Count == 0)
        {
            return 0;
        }

        var settings = options.Value;
        var now = clock.GetUtcNow();
        var batch = await outbox.ClaimAsync(byKind.Keys, Owner, now, now + settings.OutboxLease, settings.OutboxBatchSize, cancellationToken);
        await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = settings.OutboxParallelism, CancellationToken = cancellationToken }, DeliverAsync);
        return batch.Count;
    }

    private async ValueTask DeliverAsync(ClaimedMessage message, CancellationToken cancellationToken)
    {
        using var activity = OpenVerifyTracing.StartDelivery(message.Kind, message.Id, message.Attempts, message.TraceParent);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        OutboxOutcome outcome;
        if (message.ExpiresAt is { } expires && expires <= clock.GetUtcNow().ToUnixTimeMilliseconds())
        {
            outcome = OutboxOutcome.Dead("expired before delivery");
        }
        else
        {
            try
            {
                outcome = await byKind[message.Kind].HandleAsync(message, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Outbox {Kind} message {Id} failed on attempt {Attempt}", message.Kind, message.Id, message.Attempts);
                outcome = OutboxOutcome.RetryAfter(Backoff.For(message.Attempts), exception.GetType().Name + ": " + exception.Message);
            }
        }

        await outbox.SettleAsync(message, Owner, outcome, clock.GetUtcNow(), cancellationToken);
        metrics.Delivered(message.Kind, outcome, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        if (activity is not null)
        {
            activity.SetTag("openverify.outbox.outcome", OpenVerifyMetrics.OutcomeName(outcome));
            if (outcome is not OutboxOutcome.Delivered)
            {
                activity.SetStatus(System.Diagnostics.ActivityStatusCode.Error, outcome.Detail);
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                handled = await RunOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "Outbox batch failed");
            }

            if (handled < options.Value.OutboxBatchSize)
            {
                await signal.WaitAsync(options.Value.OutboxPollInterval, stoppingToken);
            }
        }
    }
}

/// <summary>Exponential back-off with full jitter, capped.</summary>
public static class Backoff
{
    /// <summary>First delay.</summary>
    public static readonly TimeSpan Base = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay.</summary>
    public static readonly TimeSpan Cap = TimeSpan.FromMinutes(10);

    /// <summary>Delay before the attempt after attempt number <paramref name="attempt"/> (from 1): random in [d/2, d], d = base·2^(n−1) capped.</summary>
    public static TimeSpan For(int attempt)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 20);
        var ceiling = Math.Min(Cap.TotalMilliseconds, Base.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ceiling / 2 + (Random.Shared.NextDouble() * ceiling / 2));
    }
}
