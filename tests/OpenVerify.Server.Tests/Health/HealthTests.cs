using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Delivery;

namespace OpenVerify.Server.Tests.Health;

/// <summary>Liveness, readiness (database, migrations, outbox worker) and the Prometheus endpoint being off by default.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Live_answers_200_without_credentials()
    {
        await using var api = await TestApi.StartAsync();
        using var response = await api.Http.GetAsync("/healthz/live");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("{\"status\":\"ok\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ready_needs_the_outbox_worker_running_and_healthz_is_ready()
    {
        // Test servers do not start background services: not ready until the worker runs.
        await using var api = await TestApi.StartAsync(TestApi.OffMachineGuard());
        foreach (var path in (string[])["/healthz/ready", "/healthz"])
        {
            var notReady = await api.As(null, null).GetAsync(path);
            notReady.ExpectError(20503, 503);
            Assert.Equal("Not ready: outbox-worker: the outbox worker has not started", notReady.Json["message"]!.GetValue<string>());
        }

        var worker = api.Services.GetRequiredService<OutboxWorker>();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            foreach (var path in (string[])["/healthz/ready", "/healthz"])
            {
                var ready = await api.As(null, null).GetAsync(path);
                Assert.Equal(200, ready.StatusCode);
                Assert.Equal("ok", ready.Json["status"]!.GetValue<string>());
            }
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        var stopped = await api.As(null, null).GetAsync("/healthz/ready");
        stopped.ExpectError(20503, 503);
        Assert.Contains("outbox-worker: the outbox worker has stopped", stopped.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(200, (await api.As(null, null).GetAsync("/healthz/live")).StatusCode);
    }

    [Fact]
    public async Task Metrics_are_not_served_unless_turned_on()
    {
        await using var api = await TestApi.StartAsync();
        (await api.As(null, null).GetAsync("/metrics")).ExpectError(20404, 404);
    }
}
