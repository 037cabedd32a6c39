using System.Text.Json.Serialization;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>What the CLI keeps next to the SDK's stores (<c>device.json</c>): each local factor's server.</summary>
public sealed class DeviceState
{
    /// <summary>Factor SID → its server.</summary>
    [JsonPropertyName("factors")]
    public Dictionary<string, DeviceServer> Factors { get; init; } = new(StringComparer.Ordinal);
}
