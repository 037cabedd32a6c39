using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OpenVerify.Server.Telemetry;

/// <summary>
/// OpenTelemetry: the OpenVerify meter and activity source, ASP.NET Core (request duration by
/// route), HttpClient (pushes, webhooks) and Npgsql instrumentation. Exported by OTLP when the
/// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and scraped at <c>GET /metrics</c> when
/// <c>OpenVerify:Metrics:Prometheus</c> is true. Note: with neither, no SDK is registered at all,
/// so the instruments have no listener and cost next to nothing on the request path.
/// </summary>
internal static class TelemetryHosting
{
    /// <summary>The setting that turns on the Prometheus scrape endpoint.</summary>
    public const string PrometheusSetting = "OpenVerify:Metrics:Prometheus";

    /// <summary>Where Prometheus scrapes.</summary>
    public const string ScrapePath = "/metrics";

    public static IServiceCollection AddOpenVerifyTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.TryAddSingleton<OpenVerifyMetrics>();
        services.TryAddSingleton<OutboxGauges>();
        var prometheus = PrometheusEnabled(configuration);
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!prometheus && !otlp)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("openverify", serviceVersion: typeof(TelemetryHosting).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OpenVerifyMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (otlp)
        {
            // Traces only leave the process by OTLP; without it, spans would be made for nobody.
            telemetry.WithTracing(tracing => tracing
                .AddSource(OpenVerifyMetrics.MeterName)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/healthz") && !http.Request.Path.StartsWithSegments(ScrapePath))
                .AddHttpClientInstrumentation()
                .AddNpgsql());
            telemetry.UseOtlpExporter();
        }

        return services;
    }

    /// <summary>Maps <c>GET /metrics</c> when the Prometheus exporter is on; resolves the instruments so they exist before the first request.</summary>
    public static void MapOpenVerifyTelemetry(this WebApplication app)
    {
        app.Services.GetRequiredService<OutboxGauges>();
        if (PrometheusEnabled(app.Configuration))
        {
            app.MapPrometheusScrapingEndpoint(ScrapePath);
        }
    }

    private static bool PrometheusEnabled(IConfiguration configuration) =>
        bool.TryParse(configuration[PrometheusSetting], out var enabled) && enabled;
}
