using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenVerify.Server.Background;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Hosting;

namespace OpenVerify.Server.Tests.Hosting;

/// <summary>
/// <c>AddOpenVerify</c> may be called twice (a host and a library, or a test host and the code under
/// test): the second call must add nothing, or two outbox workers would lease the same rows and
/// every outbox handler would run twice.
/// </summary>
public sealed class AddOpenVerifyTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("openverify-hosting-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Calling_it_twice_registers_each_hosted_service_and_outbox_handler_once()
    {
        var services = Services(calls: 2);

        var hosted = services.Where(d => d.ServiceType == typeof(IHostedService)).Select(Implementation).ToList();
        Assert.Equal(hosted.Distinct(), hosted);
        Assert.Contains(typeof(OutboxWorker), hosted);
        Assert.Contains(typeof(Maintenance), hosted);
        Assert.Contains(typeof(StorageStartup), hosted);

        var handlers = services.Where(d => d.ServiceType == typeof(IOutboxHandler)).Select(Implementation).ToList();
        Assert.Equal(3, handlers.Count);
        Assert.Equal(handlers.Distinct(), handlers);
    }

    [Fact]
    public void Calling_it_twice_adds_no_registration_at_all()
    {
        var once = Services(calls: 1).Select(Describe).ToList();
        var twice = Services(calls: 2).Select(Describe).ToList();
        Assert.Equal(once, twice);
    }

    [Fact]
    public async Task A_provider_built_after_two_calls_runs_one_outbox_worker_and_builds_health_and_limits()
    {
        await using var provider = Services(calls: 2).BuildServiceProvider();

        Assert.Single(provider.GetServices<IHostedService>().OfType<OutboxWorker>());
        // Both throw on a duplicate (a health check name, a rate-limit policy name) when registered twice.
        Assert.NotNull(provider.GetRequiredService<HealthCheckService>());
        Assert.NotNull(provider.GetRequiredService<IOptions<RateLimiterOptions>>().Value);
        Assert.Equal(3, provider.GetServices<IOutboxHandler>().Count());
    }

    private ServiceCollection Services(int calls)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var configuration = Configuration();
        for (var i = 0; i < calls; i++)
        {
            services.AddOpenVerify(configuration);
        }

        return services;
    }

    private IConfiguration Configuration() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["OpenVerify:Storage"] = "sqlite",
        ["OpenVerify:SqlitePath"] = Path.Combine(directory, "openverify.db"),
    }).Build();

    private static Type? Implementation(ServiceDescriptor d) =>
        d.ImplementationType ?? d.ImplementationInstance?.GetType() ?? d.ImplementationFactory?.GetType().GenericTypeArguments.LastOrDefault();

    private static string Describe(ServiceDescriptor d) => $"{d.Lifetime} {d.ServiceType} {d.ServiceKey} {Implementation(d)}";

}
