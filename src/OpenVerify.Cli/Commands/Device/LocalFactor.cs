using OpenVerify.Client;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>A factor stored on this device and the server it was enrolled with.</summary>
/// <param name="Factor">The SDK's factor.</param>
/// <param name="Server">Its server, or null when <c>device.json</c> does not know it.</param>
public sealed record LocalFactor(Factor Factor, DeviceServer? Server);
