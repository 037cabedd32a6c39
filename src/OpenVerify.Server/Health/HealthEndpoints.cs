using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenVerify.Protocol.Errors;

namespace OpenVerify.Server.Health;

/// <summary>
/// <c>/healthz/live</c> (the process answers), <c>/healthz/ready</c> (database reachable, migrations
/// applied, outbox worker running) and <c>/healthz</c>, kept as readiness for existing probes.
/// Not ready is a Twilio-shaped 503 (20503) naming the failed checks, like any other 503 here.
/// </summary>
internal static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    /// <summary>Ready, from the body's point of view.</summary>
    public sealed record HealthBody(string Status);

    private static readonly HealthBody Ok = new("ok");

    public static IServiceCollection AddOpenVerifyHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("database", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<OutboxWorkerHealthCheck>("outbox-worker", tags: [ReadyTag]);
        return services;
    }

    public static void MapOpenVerifyHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz/live", () => TypedResults.Ok(Ok)).WithName("Live").WithSummary("Liveness: 200 while the process answers");
        app.MapGet("/healthz/ready", ReadyAsync).WithName("Ready").WithSummary("Readiness: 200 when the database answers, migrations are applied and the outbox worker runs; 503 (20503) otherwise");
        app.MapGet("/healthz", ReadyAsync).WithName("Healthz").WithSummary("Readiness (the same as /healthz/ready)");
    }

    private static async Task<Ok<HealthBody>> ReadyAsync(HealthCheckService health, HttpContext http)
    {
        var report = await health.CheckHealthAsync(r => r.Tags.Contains(ReadyTag), http.RequestAborted);
        if (report.Status != HealthStatus.Unhealthy)
        {
            return TypedResults.Ok(Ok);
        }

        var failed = report.Entries.Where(e => e.Value.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy)
            .Select(e => $"{e.Key}: {e.Value.Description}");
        throw ErrorCatalogue.ServiceUnavailable("Not ready: " + string.Join("; ", failed));
    }
}
