using System.Text.Json.Serialization;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>What the CLI keeps next to the SDK's stores (<c>device.json</c>): each local factor's server, and TOTP secrets.</summary>
public sealed class DeviceState
{
    /// <summary>Factor SID → its server.</summary>
    [JsonPropertyName("factors")]
    public Dictionary<string, DeviceServer> Factors { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// TOTP name (<c>issuer:account</c>) → its Key URI, as an authenticator app keeps it (the file is
    /// owner-only); <c>openverify device totp code</c> computes the codes.
    /// </summary>
    [JsonPropertyName("totp")]
    public Dictionary<string, string> Totp { get; init; } = new(StringComparer.Ordinal);
}
