using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenVerify.Server.Delivery;

namespace OpenVerify.Server.Health;

/// <summary>Ready while the outbox worker runs: without it no push or webhook would ever leave.</summary>
internal sealed class OutboxWorkerHealthCheck(OutboxWorker worker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
        Task.FromResult(worker.ExecuteTask is { IsCompleted: false }
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy(worker.ExecuteTask is null ? "the outbox worker has not started" : "the outbox worker has stopped"));
}
