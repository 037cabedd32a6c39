using System.ComponentModel;
using OpenVerify.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>What <c>approve</c> and <c>deny</c> share: find the challenge, answer it, print it.</summary>
public static class ChallengeAnswer
{
    /// <summary>Options of <c>approve</c> and <c>deny</c>.</summary>
    public sealed class Settings : DeviceFactorSettings
    {
        /// <summary>The challenge.</summary>
        [CommandArgument(0, "<CHALLENGE_SID>")]
        [Description("The challenge (YC…)")]
        public string ChallengeSid { get; init; } = "";

        /// <summary>Number matching: the number the login screen shows.</summary>
        [CommandOption("--number <NN>")]
        [Description("approve: the number the login screen shows (services with Push.NumberMatching); a wrong one denies")]
        public int? Number { get; init; }

        /// <summary>Deny and report.</summary>
        [CommandOption("--report")]
        [Description("deny: also report \"I did not request this\" (an OpenVerify server tells the backend)")]
        public bool Report { get; init; }
    }

    /// <summary>Answers a challenge with <paramref name="status"/> and prints the result.</summary>
    public static async Task<int> RunAsync(DeviceSession session, Settings settings, ChallengeStatus status, CancellationToken cancellationToken)
    {
        if (settings.Report && status != ChallengeStatus.Denied)
        {
            throw new DeviceCommandException("--report goes with deny");
        }

        var factor = settings.Factor is null
            ? (await session.FindChallengeAsync(settings.ChallengeSid, null, cancellationToken)).Factor
            : await session.FactorAsync(settings.Factor, cancellationToken);
        var challenge = await AnswerAsync(session, factor, settings.ChallengeSid, status, cancellationToken, settings.Number, settings.Report);
        if (settings.Json)
        {
            DeviceOutput.WriteJson(DeviceOutput.ToJson(challenge));
        }
        else
        {
            AnsiConsole.MarkupLine($"{(status == ChallengeStatus.Approved ? "[green]Approved[/]" : settings.Report ? "[red]Denied and reported[/]" : "[red]Denied[/]")} {challenge.Sid}: {Markup.Escape(challenge.ChallengeDetails.Message)}");
        }

        return 0;
    }

    /// <summary>Signs and sends the answer; returns the challenge as the server shows it afterwards.</summary>
    public static Task<Challenge> AnswerAsync(DeviceSession session, LocalFactor factor, string challengeSid, ChallengeStatus status, CancellationToken cancellationToken,
        int? number = null, bool report = false) =>
        session.ClientFor(factor).UpdateChallengeAsync(
            new UpdatePushChallengePayload(factor.Factor.Sid, challengeSid, status) { Number = number, Report = report }, cancellationToken);
}
