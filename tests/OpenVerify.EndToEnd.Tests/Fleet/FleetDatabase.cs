using System.Text.RegularExpressions;
using Npgsql;

namespace OpenVerify.EndToEnd.Tests.Fleet;

/// <summary>An outbox row as read straight from the database: its kind and the message id its payload carries.</summary>
internal sealed record OutboxRow(string Kind, string MessageId);

/// <summary>
/// Reads the fleet's PostgreSQL database directly, from outside the server processes: what was
/// durably committed, and which outbox messages a killed instance held a lease on when it died.
/// </summary>
internal static partial class FleetDatabase
{
    /// <summary>The <c>status</c> of each of <paramref name="sids"/> found in <paramref name="table"/> (<c>challenges</c> or <c>factors</c>).</summary>
    public static async Task<Dictionary<string, string>> StatusesAsync(string connectionString, string table, IEnumerable<string> sids)
    {
        if (table is not ("challenges" or "factors"))
        {
            throw new ArgumentException("challenges or factors", nameof(table));
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT sid, status FROM {table} WHERE sid = ANY(@sids)", connection);
        command.Parameters.AddWithValue("sids", sids.ToArray());
        var statuses = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            statuses[reader.GetString(0)] = reader.GetString(1);
        }

        return statuses;
    }

    /// <summary>Every SID in <paramref name="table"/> (to show that nothing was delivered for a write that does not exist).</summary>
    public static async Task<HashSet<string>> AllSidsAsync(string connectionString, string table)
    {
        if (table is not ("challenges" or "factors"))
        {
            throw new ArgumentException("challenges or factors", nameof(table));
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT sid FROM {table}", connection);
        var sids = new HashSet<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            sids.Add(reader.GetString(0));
        }

        return sids;
    }

    /// <summary>
    /// Pending outbox messages leased by the server process <paramref name="processId"/> (the outbox
    /// worker's lease owner is <c>machine/pid/random</c>): after a SIGKILL, the jobs it died holding.
    /// </summary>
    public static async Task<List<OutboxRow>> LeasedByAsync(string connectionString, int processId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT kind, payload FROM outbox WHERE state = 'pending' AND lease_owner LIKE @owner", connection);
        command.Parameters.AddWithValue("owner", $"%/{processId}/%");
        var rows = new List<OutboxRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(Row(reader.GetString(0), reader.GetString(1)));
        }

        return rows;
    }

    /// <summary>How many outbox messages are still pending (0: every push and webhook is settled).</summary>
    public static async Task<long> PendingOutboxAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM outbox WHERE state = 'pending'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The id a stand-in logs the message under: a push carries its challenge SID; an event and each
    /// of its webhook deliveries carry the event's uuid.
    /// </summary>
    public static OutboxRow Row(string kind, string payload) => new(kind, kind == "push"
        ? ChallengeSid().Match(payload).Value
        : Uuid().Match(payload).Value);

    [GeneratedRegex("YC[0-9a-f]{32}")]
    private static partial Regex ChallengeSid();

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();
}
