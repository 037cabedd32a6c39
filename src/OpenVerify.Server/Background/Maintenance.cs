using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Telemetry;

namespace OpenVerify.Server.Background;

/// <summary>
/// Periodic sweeps: stores <c>expired</c> on challenges past their expiry (reads already show it
/// lazily; storing it keeps status filters cheap), and deletes unverified factors older than
/// <see cref="OpenVerifyOptions.UnverifiedFactorLifetime"/>.
/// </summary>
public sealed class Maintenance(IChallengeStore challenges, IFactorStore factors, IOptions<OpenVerifyOptions> options, IOutbox outbox, TimeProvider clock, OpenVerifyMetrics metrics, ILogger<Maintenance> logger) : BackgroundService
{
    // Rows changed per unit of work: a sweep after downtime must not hold the SQLite writer (or
    // PostgreSQL row locks) for long in one go.
    private const int SweepBatch = 500;

    /// <summary>One sweep; public so tests can drive it with a fake clock.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var root = options.Value.PublicUrl ?? "";
        var expired = await SweepAsync(() => challenges.ExpireAsync(now.ToUnixTimeSeconds(), SweepBatch, c => ExpiredEvents(c, now, root), cancellationToken));
        var removed = await SweepAsync(() => factors.DeleteUnverifiedAsync((now - options.Value.UnverifiedFactorLifetime).ToUnixTimeSeconds(), SweepBatch,
            f => [VerifyEvent.ForFactor(VerifyEvent.Types.FactorExpired, f, now)], cancellationToken));
        metrics.Challenge(OpenVerifyMetrics.ChallengeEvents.Expired, expired);
        metrics.Factor(OpenVerifyMetrics.FactorEvents.Expired, removed);
        var purged = await outbox.PurgeAsync(now - options.Value.OutboxRetention, cancellationToken);
        if (expired > 0 || removed > 0 || purged > 0)
        {
            logger.LogInformation("Maintenance: {Expired} challenges expired, {Removed} unverified factors removed, {Purged} delivered outbox messages purged",
                expired, removed, purged);
        }
    }

    /// <summary>What storing <c>expired</c> on a challenge sends (also when a live event stream stores it early).</summary>
    // Note: the factor's friendly name is not at hand in a bulk expiry; webhook delivery fills it in.
    public static IEnumerable<OutboxMessage> ExpiredEvents(Challenge challenge, DateTimeOffset now, string root) =>
        [VerifyEvent.ForChallenge(VerifyEvent.Types.ChallengeExpired, challenge, "", ChallengeResource.From(challenge, now.ToUnixTimeSeconds(), root), now)];

    /// <summary>Runs <paramref name="batch"/> until a batch comes back short; returns how many rows it changed.</summary>
    private static async Task<int> SweepAsync<T>(Func<Task<IReadOnlyList<T>>> batch)
    {
        var total = 0;
        int count;
        do
        {
            count = (await batch()).Count;
            total += count;
        }
        while (count == SweepBatch);
        return total;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.MaintenanceInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "Maintenance sweep failed; retrying next interval");
            }
        }
    }
}
