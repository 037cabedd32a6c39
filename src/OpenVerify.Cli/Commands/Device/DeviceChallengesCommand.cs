using System.ComponentModel;
using System.Text.Json.Nodes;
using OpenVerify.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands.Device;

/// <summary><c>openverify device challenges [--status S]</c>: lists challenges, following page tokens.</summary>
public sealed class DeviceChallengesCommand : DeviceCommand<DeviceChallengesCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : DeviceFactorSettings
    {
        /// <summary>Status filter.</summary>
        [CommandOption("--status <STATUS>")]
        [Description("Only pending, approved, denied or expired challenges")]
        public string? Status { get; init; }

        /// <summary>Order.</summary>
        [CommandOption("--order <ORDER>")]
        [Description("asc (oldest first) or desc (newest first, the default)")]
        public string Order { get; init; } = "desc";

        /// <summary>Page size.</summary>
        [CommandOption("--page-size <N>")]
        [Description("Challenges per request (default 50)")]
        public int PageSize { get; init; } = 50;

        /// <summary>Limit.</summary>
        [CommandOption("--limit <N>")]
        [Description("At most this many challenges per factor (default 100; 0 = all)")]
        public int Limit { get; init; } = 100;

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            Order is not ("asc" or "desc") ? ValidationResult.Error("--order must be asc or desc")
            : PageSize is < 1 or > 1000 ? ValidationResult.Error("--page-size must be 1 to 1000")
            : Limit < 0 ? ValidationResult.Error("--limit must not be negative")
            : ValidationResult.Success();
    }

    /// <inheritdoc />
    protected override async Task<int> RunAsync(DeviceSession session, Settings settings, CancellationToken cancellationToken)
    {
        var status = DeviceOutput.ParseStatus(settings.Status);
        var order = settings.Order == "asc" ? ChallengeListOrder.Asc : ChallengeListOrder.Desc;
        var all = new List<Challenge>();
        foreach (var factor in await session.FactorsAsync(settings.Factor, cancellationToken))
        {
            all.AddRange(await ListAsync(session.ClientFor(factor), factor.Factor.Sid, status, order, settings.PageSize, settings.Limit, cancellationToken));
        }

        if (settings.Json)
        {
            DeviceOutput.WriteJson(new JsonArray([.. all.Select(c => (JsonNode)DeviceOutput.ToJson(c))]));
        }
        else if (all.Count == 0)
        {
            AnsiConsole.MarkupLine(status is null ? "No challenges." : $"No {DeviceOutput.Wire(status.Value)} challenges.");
        }
        else
        {
            AnsiConsole.Write(DeviceOutput.ChallengesTable(all));
        }

        return 0;
    }

    /// <summary>A factor's challenges, page by page until the last page or <paramref name="limit"/> (0: no limit).</summary>
    public static async Task<IReadOnlyList<Challenge>> ListAsync(VerifyClient client, string factorSid, ChallengeStatus? status, ChallengeListOrder order, int pageSize, int limit, CancellationToken cancellationToken)
    {
        var result = new List<Challenge>();
        string? token = null;
        do
        {
            var size = limit == 0 ? pageSize : Math.Min(pageSize, limit - result.Count);
            var page = await client.GetAllChallengesAsync(new ChallengeListPayload(factorSid, size, status, order, token), cancellationToken);
            result.AddRange(page.Challenges);
            token = page.Metadata.NextPageToken;
        }
        while (token is not null && (limit == 0 || result.Count < limit));

        return result;
    }
}
