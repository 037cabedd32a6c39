using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands.Device;

/// <summary><c>openverify device show YC…</c>: one challenge with all its details.</summary>
public sealed class DeviceShowCommand : DeviceCommand<DeviceShowCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : DeviceFactorSettings
    {
        /// <summary>The challenge.</summary>
        [CommandArgument(0, "<CHALLENGE_SID>")]
        [Description("The challenge (YC…)")]
        public string ChallengeSid { get; init; } = "";
    }

    /// <inheritdoc />
    protected override async Task<int> RunAsync(DeviceSession session, Settings settings, CancellationToken cancellationToken)
    {
        var (_, challenge) = await session.FindChallengeAsync(settings.ChallengeSid, settings.Factor, cancellationToken);
        if (settings.Json)
        {
            DeviceOutput.WriteJson(DeviceOutput.ToJson(challenge));
        }
        else
        {
            AnsiConsole.Write(DeviceOutput.ChallengeCard(challenge));
        }

        return 0;
    }
}
