using System.ComponentModel;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>Options of the verbs that work on one factor or all of them.</summary>
public class DeviceFactorSettings : DeviceSettings
{
    /// <summary>The factor.</summary>
    [CommandOption("--factor <YF>")]
    [Description("The local factor (default: the only one, or all of them where that makes sense)")]
    public string? Factor { get; init; }
}
