using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands;

/// <summary>Options shared by the <c>webhooks</c> commands: which webhook of which service.</summary>
public class WebhookSettings : StorageSettings
{
    /// <summary>Service SID.</summary>
    [CommandOption("--service <SID>")]
    [Description("The service (VA…)")]
    public string Service { get; init; } = "";

    /// <summary>Webhook SID.</summary>
    [CommandOption("--webhook <SID>")]
    [Description("The webhook (YW…)")]
    public string Webhook { get; init; } = "";

    /// <summary>Print JSON.</summary>
    [CommandOption("--json")]
    [Description("Print JSON instead of a table")]
    public bool Json { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        string.IsNullOrEmpty(Service) || string.IsNullOrEmpty(Webhook)
            ? ValidationResult.Error("--service and --webhook are required")
            : ValidationResult.Success();
}
