using System.ComponentModel;
using OpenVerify.Cli.Demo;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands;

/// <summary>
/// <c>openverify demo</c>: the quickstart end to end in one process (server on a temporary SQLite
/// file, the sample app backend, a simulated device). Exits 1 if any step fails.
/// </summary>
public sealed class DemoCommand : AsyncCommand<DemoCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>How long each wait may take.</summary>
        [CommandOption("--timeout <SECONDS>")]
        [Description("How long to wait for a challenge, a webhook or an outcome")]
        [DefaultValue(15)]
        public int TimeoutSeconds { get; init; } = 15;

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            TimeoutSeconds is >= 1 and <= 300 ? ValidationResult.Success() : ValidationResult.Error("--timeout must be 1 to 300 seconds");
    }

    /// <inheritdoc />
    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        new DemoRun(AnsiConsole.Console, TimeSpan.FromSeconds(settings.TimeoutSeconds), TimeProvider.System).RunAsync(cancellationToken);
}
