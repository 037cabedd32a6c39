using System.Diagnostics;
using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.Logging;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Telemetry;

/// <summary>
/// <c>openverify.outbox.depth</c> and <c>openverify.outbox.oldest_age</c> by kind, read from the
/// database when metrics are collected. Both gauges share one grouped query per collection: the
/// first gauge read queries, the other reuses that snapshot (if it is less than a second old and it
/// has not read it yet), so a scrape costs one query, not one per instrument, and is never stale.
/// With several instances on one database every instance reports the same, shared outbox.
/// </summary>
public sealed class OutboxGauges
{
    private const string PendingByKind =
        "SELECT kind AS Kind, COUNT(*) AS Depth, MIN(created_at) AS OldestCreatedAt FROM outbox WHERE state = 'pending' GROUP BY kind";

    private static readonly string[] Kinds = [OutboxKinds.Push, OutboxKinds.Event, OutboxKinds.Webhook];
    private static readonly TimeSpan SnapshotLifetime = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(5);

    private readonly IDatabase database;
    private readonly TimeProvider clock;
    private readonly ILogger<OutboxGauges> logger;
    private readonly Lock gate = new();
    private PendingKind[] snapshot = [];
    private long snapshotTakenAt;
    private bool depthRead = true;
    private bool ageRead = true;

    /// <summary>Adds both gauges to the meter of <paramref name="metrics"/>.</summary>
    public OutboxGauges(OpenVerifyMetrics metrics, IDatabase database, TimeProvider clock, ILogger<OutboxGauges> logger)
    {
        this.database = database;
        this.clock = clock;
        this.logger = logger;
        metrics.Meter.CreateObservableGauge("openverify.outbox.depth", ObserveDepth, "{message}", "Outbox messages waiting for delivery (pending), by kind");
        metrics.Meter.CreateObservableGauge("openverify.outbox.oldest_age", ObserveOldestAge, "s", "Age of the oldest pending outbox message, by kind");
    }

    private IEnumerable<Measurement<long>> ObserveDepth() =>
        Snapshot(ref depthRead).Select(p => new Measurement<long>(p.Depth, new KeyValuePair<string, object?>("kind", p.Kind)));

    private IEnumerable<Measurement<double>> ObserveOldestAge()
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return Snapshot(ref ageRead).Select(p => new Measurement<double>(p.OldestCreatedAt < 0 ? 0 : Math.Max(0, now - p.OldestCreatedAt) / 1000.0, new KeyValuePair<string, object?>("kind", p.Kind)));
    }

    private PendingKind[] Snapshot(ref bool readByThisGauge)
    {
        lock (gate)
        {
            if (!readByThisGauge && Stopwatch.GetElapsedTime(snapshotTakenAt) < SnapshotLifetime)
            {
                readByThisGauge = true;
                return snapshot;
            }

            try
            {
                // Note: observable instruments are read synchronously by the collecting exporter.
                snapshot = QueryAsync().GetAwaiter().GetResult();
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // The database is away: report nothing rather than stale numbers; /healthz/ready says why.
                logger.LogDebug(exception, "Outbox gauges could not read the outbox");
                snapshot = [];
            }

            snapshotTakenAt = Stopwatch.GetTimestamp();
            depthRead = false;
            ageRead = false;
            readByThisGauge = true;
            return snapshot;
        }
    }

    private async Task<PendingKind[]> QueryAsync()
    {
        using var timeout = new CancellationTokenSource(QueryTimeout);
        await using var connection = await database.OpenReadAsync(timeout.Token);
        var rows = (await connection.QueryAsync<PendingKind>(new CommandDefinition(PendingByKind, cancellationToken: timeout.Token))).ToDictionary(r => r.Kind);
        // Every kind always has a series (0 when nothing waits), so alerts never see one vanish.
        return Kinds.Select(kind => rows.GetValueOrDefault(kind) ?? new PendingKind { Kind = kind, OldestCreatedAt = -1 }).ToArray();
    }

    private sealed class PendingKind
    {
        public string Kind { get; set; } = "";
        public long Depth { get; set; }
        public long OldestCreatedAt { get; set; }
    }
}
