using OpenVerify.Client;

namespace OpenVerify.Cli.Commands.Device;

/// <summary><c>openverify device approve YC…</c>.</summary>
public sealed class DeviceApproveCommand : DeviceCommand<ChallengeAnswer.Settings>
{
    /// <inheritdoc />
    protected override Task<int> RunAsync(DeviceSession session, ChallengeAnswer.Settings settings, CancellationToken cancellationToken) =>
        ChallengeAnswer.RunAsync(session, settings, ChallengeStatus.Approved, cancellationToken);
}
