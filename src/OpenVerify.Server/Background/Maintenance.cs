using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Hosting;

namespace OpenVerify.Server.Background;

/// <summary>
/// Periodic sweeps: stores <c>expired</c> on challenges past their expiry (reads already show it
/// lazily; storing it keeps status filters cheap), and deletes unverified factors older than
/// <see cref="OpenVerifyOptions.UnverifiedFactorLifetime"/>.
/// </summary>
public sealed class Maintenance(IChallengeStore challenges, IFactorStore factors, IOptions<OpenVerifyOptions> options, IOutbox outbox, TimeProvider clock, ILogger<Maintenance> logger) : BackgroundService
{
    /// <summary>One sweep; public so tests can drive it with a fake clock.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var root = options.Value.PublicUrl ?? "";
        // Note: the factor's friendly name is not at hand in a bulk expiry; webhook delivery fills it in.
        var expired = await challenges.ExpireAsync(now.ToUnixTimeSeconds(),
            c => [VerifyEvent.ForChallenge(VerifyEvent.Types.ChallengeExpired, c, "", ChallengeResource.From(c, now.ToUnixTimeSeconds(), root), now)],
            cancellationToken);
        var removed = await factors.DeleteUnverifiedAsync((now - options.Value.UnverifiedFactorLifetime).ToUnixTimeSeconds(),
            f => [VerifyEvent.ForFactor(VerifyEvent.Types.FactorExpired, f, now)], cancellationToken);
        var purged = await outbox.PurgeAsync(now - options.Value.OutboxRetention, cancellationToken);
        if (expired.Count > 0 || removed.Count > 0 || purged > 0)
        {
            logger.LogInformation("Maintenance: {Expired} challenges expired, {Removed} unverified factors removed, {Purged} delivered outbox messages purged",
                expired.Count, removed.Count, purged);
        }
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
