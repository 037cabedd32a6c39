using System.Text.Json;
using System.Text.Json.Nodes;
using OpenVerify.Client;
using OpenVerify.Protocol.Wire;
using Spectre.Console;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>
/// How the device verbs print: JSON with the Verify API's snake_case names and date format for
/// scripts, Spectre.Console tables for people.
/// </summary>
public static class DeviceOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes one JSON document to stdout.</summary>
    public static void WriteJson(JsonNode node) => Console.Out.WriteLine(node.ToJsonString(Indented));

    /// <summary>Writes one JSON document as a single line (for streams such as <c>watch</c>).</summary>
    public static void WriteJsonLine(JsonNode node) => Console.Out.WriteLine(node.ToJsonString());

    /// <summary>The wire name of a factor status.</summary>
    public static string Wire(FactorStatus status) => status == FactorStatus.Verified ? FactorStatuses.Verified : FactorStatuses.Unverified;

    /// <summary>The wire name of a challenge status.</summary>
    public static string Wire(ChallengeStatus status) => status switch
    {
        ChallengeStatus.Approved => ChallengeStatuses.Approved,
        ChallengeStatus.Denied => ChallengeStatuses.Denied,
        ChallengeStatus.Expired => ChallengeStatuses.Expired,
        _ => ChallengeStatuses.Pending,
    };

    /// <summary>Parses <c>--status</c>.</summary>
    public static ChallengeStatus? ParseStatus(string? value) => value?.ToLowerInvariant() switch
    {
        null => null,
        ChallengeStatuses.Pending => ChallengeStatus.Pending,
        ChallengeStatuses.Approved => ChallengeStatus.Approved,
        ChallengeStatuses.Denied => ChallengeStatus.Denied,
        ChallengeStatuses.Expired => ChallengeStatus.Expired,
        _ => throw new DeviceCommandException($"--status must be pending, approved, denied or expired, not '{value}'"),
    };

    /// <summary>A local factor as JSON.</summary>
    public static JsonObject ToJson(LocalFactor local)
    {
        var factor = local.Factor;
        return new JsonObject
        {
            ["sid"] = factor.Sid,
            ["friendly_name"] = factor.FriendlyName,
            ["account_sid"] = factor.AccountSid,
            ["service_sid"] = factor.ServiceSid,
            ["identity"] = factor.Identity,
            ["factor_type"] = "push",
            ["status"] = Wire(factor.Status),
            ["notification_platform"] = factor.NotificationPlatform,
            ["date_created"] = TwilioDate.ToWire(factor.CreatedAt),
            ["server"] = local.Server?.BaseUrl,
        };
    }

    /// <summary>A challenge as JSON, shaped like the API's challenge resource.</summary>
    public static JsonObject ToJson(Challenge challenge)
    {
        var details = new JsonObject
        {
            ["message"] = challenge.ChallengeDetails.Message,
            ["fields"] = new JsonArray([.. challenge.ChallengeDetails.Fields.Select(f => (JsonNode)new JsonObject { ["label"] = f.Label, ["value"] = f.Value })]),
        };
        if (challenge.ChallengeDetails.Date is { } date)
        {
            details["date"] = TwilioDate.ToWire(date);
        }

        JsonObject? hidden = null;
        if (challenge.HiddenDetails is { } values)
        {
            hidden = [];
            foreach (var (key, value) in values)
            {
                hidden[key] = value;
            }
        }

        var json = new JsonObject
        {
            ["sid"] = challenge.Sid,
            ["factor_sid"] = challenge.FactorSid,
            ["status"] = Wire(challenge.Status),
            ["details"] = details,
            ["hidden_details"] = hidden,
            ["date_created"] = TwilioDate.ToWire(challenge.CreatedAt),
            ["date_updated"] = TwilioDate.ToWire(challenge.UpdatedAt),
            ["expiration_date"] = TwilioDate.ToWire(challenge.ExpirationDate),
        };
        // OpenVerify push-fatigue fields, only when the server sent them.
        if (challenge.NumberChoices is { } choices)
        {
            json["number_choices"] = new JsonArray([.. choices.Select(c => (JsonNode)c)]);
        }

        if (challenge.DenialReason is { } reason)
        {
            json["denial_reason"] = reason;
        }

        return json;
    }

    /// <summary>Local factors as a table.</summary>
    public static Table FactorsTable(IEnumerable<LocalFactor> factors)
    {
        var table = new Table().AddColumns("Factor SID", "Name", "Service", "Identity", "Status", "Server");
        foreach (var local in factors)
        {
            var f = local.Factor;
            table.AddRow(Cell(f.Sid), Cell(f.FriendlyName), Cell(f.ServiceSid), Cell(f.Identity), StatusCell(Wire(f.Status)), Cell(local.Server?.BaseUrl ?? "?"));
        }

        return table;
    }

    /// <summary>Challenges as a table.</summary>
    public static Table ChallengesTable(IEnumerable<Challenge> challenges)
    {
        var table = new Table().AddColumns("Challenge SID", "Status", "Message", "Created", "Expires");
        foreach (var c in challenges)
        {
            table.AddRow(Cell(c.Sid), StatusCell(Wire(c.Status)), Cell(c.ChallengeDetails.Message), Cell(TwilioDate.ToWire(c.CreatedAt)), Cell(TwilioDate.ToWire(c.ExpirationDate)));
        }

        return table;
    }

    /// <summary>One challenge with all its details, for <c>show</c> and <c>watch</c>.</summary>
    public static Table ChallengeCard(Challenge challenge)
    {
        var grid = new Table().HideHeaders().AddColumns("Field", "Value");
        grid.Title = new TableTitle(Markup.Escape(challenge.ChallengeDetails.Message));
        grid.AddRow(Cell("Challenge"), Cell(challenge.Sid));
        grid.AddRow(Cell("Factor"), Cell(challenge.FactorSid));
        grid.AddRow(Cell("Status"), StatusCell(Wire(challenge.Status)));
        foreach (var field in challenge.ChallengeDetails.Fields)
        {
            grid.AddRow(new Markup("[bold]" + Markup.Escape(field.Label) + "[/]"), Cell(field.Value));
        }

        if (challenge.ChallengeDetails.Date is { } date)
        {
            grid.AddRow(Cell("Date"), Cell(TwilioDate.ToWire(date)));
        }

        foreach (var (key, value) in challenge.HiddenDetails ?? new Dictionary<string, string>())
        {
            grid.AddRow(Cell("hidden." + key), Cell(value));
        }

        if (challenge.NumberChoices is { } choices)
        {
            grid.AddRow(new Markup("[bold]Number[/]"), Cell("pick the one the login screen shows: " + string.Join("  ", choices)));
        }

        if (challenge.DenialReason is { } reason)
        {
            grid.AddRow(Cell("Denied because"), Cell(reason));
        }

        grid.AddRow(Cell("Created"), Cell(TwilioDate.ToWire(challenge.CreatedAt)));
        grid.AddRow(Cell("Expires"), Cell(TwilioDate.ToWire(challenge.ExpirationDate)));
        return grid;
    }

    private static Text Cell(string value) => new(value);

    private static Markup StatusCell(string status) => new(status switch
    {
        "approved" or "verified" => "[green]" + status + "[/]",
        "denied" or "expired" or "unverified" => "[red]" + status + "[/]",
        _ => "[yellow]" + status + "[/]",
    });
}
