using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Delivery.Push;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands;

/// <summary><c>openverify push-log</c>: every attempt to deliver a push, newest first (from the outbox attempts log).</summary>
public sealed class PushLogCommand : AsyncCommand<PushLogCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : StorageSettings
    {
        /// <summary>How many.</summary>
        [CommandOption("--limit <N>")]
        [Description("Most recent attempts to show (default 50)")]
        public int Limit { get; init; } = 50;

        /// <summary>Filter by challenge.</summary>
        [CommandOption("--challenge <SID>")]
        [Description("Only this challenge's pushes (YC…)")]
        public string? Challenge { get; init; }

        /// <summary>Filter by factor.</summary>
        [CommandOption("--factor <SID>")]
        [Description("Only this factor's pushes (YF…)")]
        public string? Factor { get; init; }

        /// <summary>Print JSON.</summary>
        [CommandOption("--json")]
        [Description("Print a JSON array")]
        public bool Json { get; init; }
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var provider = await StorageScope.OpenAsync(settings, cancellationToken);
        var attempts = await provider.GetRequiredService<IPushLog>().ListAsync(Math.Clamp(settings.Limit, 1, 100_000), settings.Challenge, settings.Factor, cancellationToken);
        static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        if (settings.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(attempts.Select(a => new Dictionary<string, object?>
            {
                ["at"] = Time(a.At), ["message_id"] = a.MessageId, ["attempt"] = a.Attempt, ["outcome"] = a.Outcome, ["state"] = a.State,
                ["platform"] = a.Platform, ["challenge_sid"] = a.ChallengeSid, ["factor_sid"] = a.FactorSid, ["notification_sid"] = a.NotificationSid,
                ["detail"] = a.Detail,
            })));
            return 0;
        }

        var table = new Table().AddColumns("At (UTC)", "Msg", "Try", "Outcome", "State", "Platform", "Challenge", "Factor", "Detail");
        foreach (var a in attempts)
        {
            var outcome = a.Outcome switch { "delivered" => "[green]delivered[/]", "retry" => "[yellow]retry[/]", _ => "[red]" + Markup.Escape(a.Outcome) + "[/]" };
            table.AddRow(Time(a.At), a.MessageId.ToString(CultureInfo.InvariantCulture), a.Attempt.ToString(CultureInfo.InvariantCulture), outcome, a.State,
                a.Platform, a.ChallengeSid, a.FactorSid, Markup.Escape(a.Detail ?? ""));
        }

        AnsiConsole.Write(table);
        if (attempts.Count == 0)
        {
            AnsiConsole.MarkupLine("No push attempts recorded.");
        }

        return 0;
    }
}
