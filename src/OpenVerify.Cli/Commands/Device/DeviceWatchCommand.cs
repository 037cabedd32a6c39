using System.ComponentModel;
using System.Text.Json.Nodes;
using OpenVerify.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>
/// <c>openverify device watch</c>: polls for pending challenges (the SDK's way for factors without
/// push, device-protocol.md §1.5), shows each new one and asks approve or deny; <c>--auto</c> answers
/// without asking, for scripts.
/// </summary>
public sealed class DeviceWatchCommand : DeviceCommand<DeviceWatchCommand.Settings>
{
    private const string Approve = "Approve";
    private const string Deny = "Deny";
    private const string Skip = "Skip";
    private const string Report = "Deny and report: I did not request this";

    /// <summary>Options.</summary>
    public sealed class Settings : DeviceFactorSettings
    {
        /// <summary>Poll interval.</summary>
        [CommandOption("--interval <SECONDS>")]
        [Description("Seconds between polls (default 2)")]
        public double Interval { get; init; } = 2;

        /// <summary>Automatic answer.</summary>
        [CommandOption("--auto <ANSWER>")]
        [Description("Answer every new challenge without asking: approve or deny")]
        public string? Auto { get; init; }

        /// <summary>Stop after N answers.</summary>
        [CommandOption("--count <N>")]
        [Description("Exit after answering N challenges (default: keep watching)")]
        public int Count { get; init; }

        /// <summary>Stop after a while.</summary>
        [CommandOption("--timeout <SECONDS>")]
        [Description("Exit after this many seconds (with --count: exit code 1 if fewer were answered)")]
        public double Timeout { get; init; }

        /// <summary>Number matching with --auto approve.</summary>
        [CommandOption("--number <NN>")]
        [Description("With --auto approve: the number to approve number-matching challenges with (asked on a terminal otherwise)")]
        public int? Number { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            Auto is not (null or "approve" or "deny") ? ValidationResult.Error("--auto must be approve or deny")
            : Interval is < 0.1 or > 3600 ? ValidationResult.Error("--interval must be 0.1 to 3600 seconds")
            : Count < 0 || Timeout < 0 ? ValidationResult.Error("--count and --timeout must not be negative")
            : ValidationResult.Success();
    }

    /// <inheritdoc />
    protected override async Task<int> RunAsync(DeviceSession session, Settings settings, CancellationToken cancellationToken)
    {
        var factors = await session.FactorsAsync(settings.Factor, cancellationToken);
        if (factors.Count == 0)
        {
            throw new DeviceCommandException($"No factor on this device ({session.Home.DirectoryPath}); run `openverify device enroll` first");
        }

        if (settings.Auto is null && (settings.Json || !AnsiConsole.Profile.Capabilities.Interactive))
        {
            throw new DeviceCommandException("watch asks approve/deny on a terminal; without one (or with --json) pass --auto approve|deny");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (settings.Timeout > 0)
        {
            deadline.CancelAfter(TimeSpan.FromSeconds(settings.Timeout));
        }

        if (!settings.Json)
        {
            AnsiConsole.MarkupLine($"Watching {factors.Count} factor(s) for pending challenges every {settings.Interval:0.#} s (Ctrl+C stops).");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var answered = 0;
        try
        {
            while (true)
            {
                foreach (var factor in factors)
                {
                    var pending = await DeviceChallengesCommand.ListAsync(session.ClientFor(factor), factor.Factor.Sid, ChallengeStatus.Pending, ChallengeListOrder.Asc, 50, 50, deadline.Token);
                    foreach (var challenge in pending.Where(c => seen.Add(c.Sid)))
                    {
                        if (await HandleAsync(session, settings, factor, challenge, deadline.Token) && settings.Count > 0 && ++answered >= settings.Count)
                        {
                            return 0;
                        }
                    }
                }

                await Task.Delay(TimeSpan.FromSeconds(settings.Interval), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            if (settings.Count > 0)
            {
                throw new DeviceCommandException($"Timed out after {settings.Timeout:0.#} s with {answered} of {settings.Count} challenge(s) answered");
            }

            return 0;
        }
    }

    private static async Task<bool> HandleAsync(DeviceSession session, Settings settings, LocalFactor factor, Challenge challenge, CancellationToken cancellationToken)
    {
        string choice;
        if (settings.Auto is not null)
        {
            choice = settings.Auto == "approve" ? Approve : Deny;
            if (!settings.Json)
            {
                AnsiConsole.Write(DeviceOutput.ChallengeCard(challenge));
            }
        }
        else
        {
            AnsiConsole.Write(DeviceOutput.ChallengeCard(challenge));
            choice = await new SelectionPrompt<string>()
                .Title("Approve this request?")
                .AddChoices(Approve, Deny, Report, Skip)
                .ShowAsync(AnsiConsole.Console, cancellationToken);
        }

        int? number = settings.Number;
        if (choice == Approve && challenge.NumberChoices is { } choices && settings.Auto is null)
        {
            // Number matching: the user picks the number the login screen shows; a wrong pick denies.
            number = await new SelectionPrompt<int>()
                .Title("Which number does the login screen show?")
                .AddChoices(choices)
                .ShowAsync(AnsiConsole.Console, cancellationToken);
        }

        if (choice == Skip)
        {
            AnsiConsole.MarkupLine($"Skipped {challenge.Sid}.");
            return false;
        }

        var status = choice == Approve ? ChallengeStatus.Approved : ChallengeStatus.Denied;
        try
        {
            var answered = await ChallengeAnswer.AnswerAsync(session, factor, challenge.Sid, status, cancellationToken, number, choice == Report);
            if (settings.Json)
            {
                DeviceOutput.WriteJsonLine(DeviceOutput.ToJson(answered));
            }
            else
            {
                AnsiConsole.MarkupLine($"{(status == ChallengeStatus.Approved ? "[green]Approved[/]" : "[red]Denied[/]")} {answered.Sid}.");
            }

            return true;
        }
        catch (VerifyClientException e)
        {
            // Note: a challenge can expire or be answered elsewhere between the poll and the answer; keep watching.
            if (settings.Json)
            {
                DeviceOutput.WriteJsonLine(new JsonObject { ["sid"] = challenge.Sid, ["error"] = new JsonObject { ["message"] = e.Detail, ["code"] = e.Code, ["api_code"] = e.ApiCode } });
            }
            else
            {
                Console.Error.WriteLine($"warning: {challenge.Sid} could not be answered: {e.Message}");
            }

            return false;
        }
    }
}
