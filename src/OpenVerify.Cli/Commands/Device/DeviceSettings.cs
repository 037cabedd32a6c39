using System.ComponentModel;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>Options shared by every <c>openverify device</c> verb.</summary>
public class DeviceSettings : CommandSettings
{
    /// <summary>The device's state directory.</summary>
    [CommandOption("--home <DIR>")]
    [Description("Device state directory (default $OPENVERIFY_DEVICE_HOME, else ~/.openverify/device)")]
    public string? Home { get; init; }

    /// <summary>Machine-readable output.</summary>
    [CommandOption("--json")]
    [Description("Print JSON for scripts instead of tables")]
    public bool Json { get; init; }
}
