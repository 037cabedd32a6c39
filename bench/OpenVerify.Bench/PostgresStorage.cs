using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using OpenVerify.TestKit.Postgres;

namespace OpenVerify.Bench;

/// <summary>How often one statement ran in a measured window.</summary>
internal sealed record StatementCount(string Kind, string Query, long Calls, long Rows);

/// <summary>
/// The throwaway PostgreSQL cluster of a run (tests/OpenVerify.TestKit's <see cref="PostgresCluster"/>:
/// initdb in a temporary directory, a free loopback port, fsync off, run as another user under root),
/// started on first use; each started server gets a database of its own.
/// </summary>
internal sealed partial class PostgresStorage : IAsyncDisposable
{
    private readonly PostgresCluster cluster;
    private readonly bool countStatements;

    private PostgresStorage(PostgresCluster cluster, bool countStatements)
    {
        this.cluster = cluster;
        this.countStatements = countStatements;
    }

    /// <summary>The server's settings that matter for comparing with SQLite, for the report.</summary>
    public const string Description = "PostgreSQL throwaway cluster (tests/OpenVerify.TestKit: fsync off, synchronous_commit on, full_page_writes off; "
        + "SQLite runs WAL with synchronous=NORMAL, so neither flushes to disk per commit)";

    public int Port => cluster.Port;

    /// <summary>
    /// Starts the cluster; with <paramref name="countStatements"/> it loads pg_stat_statements
    /// (a preload library, so the cluster restarts once).
    /// </summary>
    public static async Task<PostgresStorage> StartAsync(bool countStatements, CancellationToken cancellationToken)
    {
        var cluster = await PostgresCluster.StartAsync(cancellationToken);
        try
        {
            if (countStatements)
            {
                await using (var connection = new NpgsqlConnection(cluster.ConnectionString("postgres")))
                {
                    await connection.OpenAsync(cancellationToken);
                    // Note: the module's own settings cannot be set before it is loaded; its defaults
                    // (track = top, track_utility = on, max = 5000) are what the count needs.
                    await using var command = new NpgsqlCommand("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'", connection);
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                await cluster.RestartAsync(cancellationToken);
            }

            return new PostgresStorage(cluster, countStatements);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A fresh database for one started server; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string purpose, CancellationToken cancellationToken)
    {
        var name = "bench_" + purpose + "_" + Guid.NewGuid().ToString("N")[..8];
        var connectionString = await cluster.CreateDatabaseAsync(name, cancellationToken);
        if (countStatements)
        {
            await ExecuteAsync(connectionString, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", cancellationToken);
        }

        return connectionString;
    }

    /// <summary>
    /// Measures the cluster's CPU time over the measured window (the database's share of the work, which
    /// SQLite does inside the server process) and, with --count-statements, the statements run against
    /// one database.
    /// </summary>
    public IWindowProbe ProbeFor(string connectionString) => new WindowProbe(this, countStatements ? connectionString : null);

    /// <summary>The postmaster's pid: the first line of DATA/postmaster.pid.</summary>
    private int? PostmasterPid()
    {
        try
        {
            var first = File.ReadLines(Path.Combine(cluster.DataDirectory, "postmaster.pid")).FirstOrDefault();
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync() => cluster.DisposeAsync();

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>SELECT (reads, FOR UPDATE included), INSERT / UPDATE / DELETE (writes), BEGIN / COMMIT / ROLLBACK, or other.</summary>
    internal static string Classify(string query)
    {
        var text = LeadingComments().Replace(query, "").TrimStart();
        var first = text.Split((char[])[' ', '\n', '\r', '\t', '('], 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.ToUpperInvariant() ?? "";
        return first switch
        {
            "SELECT" or "VALUES" or "TABLE" => "read",
            "INSERT" or "UPDATE" or "DELETE" or "MERGE" => "write",
            "WITH" => WriteKeyword().IsMatch(text) ? "write" : "read",
            "BEGIN" or "START" or "COMMIT" or "END" or "ROLLBACK" or "SAVEPOINT" or "RELEASE" => "transaction",
            _ => "other",
        };
    }

    [GeneratedRegex(@"^(\s*(--[^\n]*\n|/\*.*?\*/))*", RegexOptions.Singleline)]
    private static partial Regex LeadingComments();

    [GeneratedRegex(@"\b(INSERT|UPDATE|DELETE|MERGE)\b", RegexOptions.IgnoreCase)]
    private static partial Regex WriteKeyword();

    private sealed class WindowProbe(PostgresStorage storage, string? countIn) : IWindowProbe
    {
        private double? cpuBefore;

        // Note: pg_stat_statements is one cluster-wide table; the bench runs one mode at a time, so a
        // reset at the window's start and a read filtered to this database at its end see this mode only.
        public async Task BeginAsync(CancellationToken cancellationToken)
        {
            if (countIn is not null)
            {
                await ExecuteAsync(countIn, "SELECT pg_stat_statements_reset()", cancellationToken);
            }

            cpuBefore = storage.PostmasterPid() is { } pid ? ProcessStats.TreeCpuSeconds(pid) : null;
        }

        public async Task EndAsync(RunResult result, CancellationToken cancellationToken)
        {
            if (cpuBefore is { } before && storage.PostmasterPid() is { } pid && ProcessStats.TreeCpuSeconds(pid) is { } after)
            {
                result.DatabaseCpuSeconds = after - before;
            }

            if (countIn is not null)
            {
                result.Statements = await CountAsync(countIn, cancellationToken);
            }
        }

        private static async Task<List<StatementCount>> CountAsync(string connectionString, CancellationToken cancellationToken)
        {
            var counts = new List<StatementCount>();
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                """
                SELECT query, sum(calls)::bigint, sum(rows)::bigint FROM pg_stat_statements
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND query NOT LIKE '%pg_stat_statements%'
                GROUP BY query ORDER BY 2 DESC
                """, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var query = reader.GetString(0);
                counts.Add(new StatementCount(Classify(query), query, reader.GetInt64(1), reader.GetInt64(2)));
            }

            return counts;
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"PostgreSQL on 127.0.0.1:{Port}");
}
