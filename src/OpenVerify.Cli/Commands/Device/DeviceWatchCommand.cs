using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using OpenVerify.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>
/// <c>openverify device watch</c>: follows each factor's challenges with
/// <see cref="VerifyClient.WatchChallengesAsync"/> (the server's live event stream, or polling where
/// the server does not offer it, e.g. Twilio), shows each new one and asks approve or deny;
/// <c>--auto</c> answers without asking, for scripts.
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
        [Description("Seconds between polls when the server has no live event stream (default 2)")]
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
            AnsiConsole.MarkupLine($"Watching {factors.Count} factor(s) for challenges (live where the server offers it, else polling every {settings.Interval:0.#} s; Ctrl+C stops).");
        }

        // One watch per factor, merged; challenges are answered one at a time, in arrival order.
        var events = Channel.CreateUnbounded<(LocalFactor Factor, ChallengeEvent Event)>(new UnboundedChannelOptions { SingleReader = true });
        var watches = factors.Select(factor => Task.Run(async () =>
        {
            await foreach (var change in session.ClientFor(factor).WatchChallengesAsync(factor.Factor.Sid, TimeSpan.FromSeconds(settings.Interval), deadline.Token))
            {
                await events.Writer.WriteAsync((factor, change), deadline.Token);
            }
        }, deadline.Token)).ToList();
        _ = Task.WhenAll(watches).ContinueWith(
            done => events.Writer.TryComplete(done.Exception?.InnerException), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var answered = 0;
        try
        {
            await foreach (var (factor, change) in events.Reader.ReadAllAsync(deadline.Token))
            {
                if (change.Kind != ChallengeEventKind.Pending || change.Challenge.Status != ChallengeStatus.Pending || !seen.Add(change.Challenge.Sid))
                {
                    continue;
                }

                if (await HandleAsync(session, settings, factor, change.Challenge, deadline.Token) && settings.Count > 0 && ++answered >= settings.Count)
                {
                    return 0;
                }
            }

            return 0;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            if (settings.Count > 0)
            {
                throw new DeviceCommandException($"Timed out after {settings.Timeout:0.#} s with {answered} of {settings.Count} challenge(s) answered");
            }

            return 0;
        }
        finally
        {
            // Stops the watches (and their open streams) when we are done early.
            await deadline.CancelAsync();
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
                await Console.Error.WriteLineAsync($"warning: {challenge.Sid} could not be answered: {e.Message}");
            }

            return false;
        }
    }
}
