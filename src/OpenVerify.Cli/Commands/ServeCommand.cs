using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenVerify.Server.Accounts;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands;

/// <summary><c>openverify serve</c>: runs the API server.</summary>
public sealed class ServeCommand : AsyncCommand<ServeCommand.Settings>
{
    /// <summary>Server options (docs/architecture.md, "Interfaces others depend on").</summary>
    public sealed class Settings : StorageSettings
    {
        /// <summary>Listen URLs.</summary>
        [CommandOption("--urls <URLS>")]
        [Description("Listen URLs (default http://127.0.0.1:5000)")]
        public string? Urls { get; init; }

        /// <summary>Public base URL for absolute links.</summary>
        [CommandOption("--public-url <URL>")]
        [Description("Base of absolute URLs in responses (default: the request's host)")]
        public string? PublicUrl { get; init; }

        /// <summary>Serve Prometheus metrics at <c>/metrics</c>.</summary>
        [CommandOption("--metrics")]
        [Description("Serve Prometheus metrics at /metrics (same as OpenVerify__Metrics__Prometheus=true)")]
        public bool Metrics { get; init; }

        /// <summary>Console log format.</summary>
        [CommandOption("--log-format <FORMAT>")]
        [Description("Console log format: text (default) or json (one JSON object per line)")]
        public string? LogFormat { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            LogFormat is null or "text" or "json" ? ValidationResult.Success() : ValidationResult.Error("--log-format must be text or json");
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = context.Remaining.Raw.ToArray() });
        // Note: at Information, ASP.NET Core writes six console lines per request, a measurable share of a
        // busy server's CPU (docs/benchmarks.md). Warning is the default; any configuration source can
        // still set Logging:LogLevel:Microsoft.AspNetCore, because this one comes first and so ranks lowest.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = [new("Logging:LogLevel:Microsoft.AspNetCore", "Warning")] });
        builder.Configuration.AddInMemoryCollection(settings.ToConfiguration());
        if (settings.PublicUrl is not null)
        {
            builder.Configuration["OpenVerify:PublicUrl"] = settings.PublicUrl;
        }

        if (settings.Metrics)
        {
            builder.Configuration["OpenVerify:Metrics:Prometheus"] = "true";
        }

        if (settings.LogFormat == "json")
        {
            // One JSON object per line, for log shippers; the message template's values are fields of "State".
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
        }

        builder.WebHost.UseUrls(settings.Urls ?? builder.Configuration["urls"] ?? "http://127.0.0.1:5000");
        builder.Services.AddOpenVerify(builder.Configuration);
        var app = builder.Build();
        app.MapOpenVerify();

        // Storage and the bootstrap account are ready before the first request can arrive.
        await app.Services.GetRequiredService<IDatabase>().MigrateAsync(cancellationToken);
        await BootstrapAccountAsync(app.Services.GetRequiredService<AccountBootstrap>(), app.Services.GetRequiredService<IAccountStore>(), cancellationToken);
        await app.StartAsync(cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    private static async Task BootstrapAccountAsync(AccountBootstrap bootstrap, IAccountStore accounts, CancellationToken cancellationToken)
    {
        var sid = Environment.GetEnvironmentVariable("OPENVERIFY_ACCOUNT_SID");
        var token = Environment.GetEnvironmentVariable("OPENVERIFY_AUTH_TOKEN");
        if (!string.IsNullOrEmpty(sid) && !string.IsNullOrEmpty(token))
        {
            await bootstrap.EnsureAsync(sid, token, cancellationToken);
            return;
        }

        if (await accounts.CountAsync(cancellationToken) == 0)
        {
            var account = await bootstrap.CreateAsync("default", cancellationToken);
            // Printed once, on the first start only; it is not written to any log.
            AnsiConsole.MarkupLine("[bold]First start: created account[/]");
            AnsiConsole.MarkupLine($"  Account SID: [green]{account.Sid}[/]");
            AnsiConsole.MarkupLine($"  Auth token:  [green]{account.AuthToken}[/]");
            AnsiConsole.MarkupLine("Keep the auth token; it is not shown again. Use it as HTTP Basic password with the SID as user.");
        }
    }
}
