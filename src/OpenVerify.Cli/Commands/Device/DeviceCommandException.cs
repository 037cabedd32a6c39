namespace OpenVerify.Cli.Commands.Device;

/// <summary>A failure the user can fix (unknown factor, bad option, backend refusal); printed without a stack trace.</summary>
public sealed class DeviceCommandException(string message, Exception? innerException = null) : Exception(message, innerException);
