using OpenVerify.Client;

namespace OpenVerify.Cli.Commands.Device;

/// <summary><c>openverify device deny YC…</c>.</summary>
public sealed class DeviceDenyCommand : DeviceCommand<ChallengeAnswer.Settings>
{
    /// <inheritdoc />
    protected override Task<int> RunAsync(DeviceSession session, ChallengeAnswer.Settings settings, CancellationToken cancellationToken) =>
        ChallengeAnswer.RunAsync(session, settings, ChallengeStatus.Denied, cancellationToken);
}
