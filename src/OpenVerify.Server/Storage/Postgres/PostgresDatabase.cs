using System.Data;
using System.Data.Common;
using System.Reflection;
using DbUp;
using Npgsql;

namespace OpenVerify.Server.Storage.Postgres;

/// <summary>
/// PostgreSQL through one pooled <see cref="NpgsqlDataSource"/>: reads take a pooled connection,
/// a unit of work a pooled connection with a READ COMMITTED transaction. Unlike SQLite, writes run side by
/// side, and several server instances may share the database: the stores' conditional UPDATEs,
/// the entity row lock and the outbox's <c>FOR UPDATE SKIP LOCKED</c> claim keep them correct.
/// </summary>
public sealed class PostgresDatabase : IDatabase, IAsyncDisposable, IDisposable
{
    // Note: any fixed 64-bit number will do; it only has to be the same for every instance.
    private const long MigrationLockKey = 0x4f70656e56657269; // "OpenVeri"

    private readonly string connectionString;
    private readonly NpgsqlDataSource dataSource;

    /// <summary>Creates the database over a connection string (the database itself must exist).</summary>
    public PostgresDatabase(string connectionString)
    {
        this.connectionString = connectionString;
        // Note: Npgsql prepares a statement on the server once it has run twice on a connection,
        // so the stores' Dapper calls skip PostgreSQL's parse and plan (issue #11). A Max Auto Prepare
        // in the connection string wins.
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 128;
            builder.AutoPrepareMinUsages = 2;
        }

        // Note: the stores set no session state (no SET, no temporary tables, no LISTEN), so a pooled
        // connection needs no reset round trip (DISCARD ALL) each time it is handed out: about 20
        // per verification flow (docs/benchmarks.md).
        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>The connection string it was made with (the live channel opens its own LISTEN connection with it).</summary>
    internal string ConnectionString => connectionString;

    /// <inheritdoc />
    public string SkipLockedClause => "FOR UPDATE SKIP LOCKED";

    /// <inheritdoc />
    public bool RunsUnitsConcurrently => true;

    /// <inheritdoc />
    public string AnyOf(string column, string parameter) => $"{column} = ANY(@{parameter})";

    /// <inheritdoc />
    public async Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        Activity.CountRead();
        return await dataSource.OpenConnectionAsync(cancellationToken);
    }

    /// <inheritdoc />
    public StorageActivity Activity { get; } = new();

    /// <inheritdoc />
    public async Task<T> WriteAsync<T>(Func<WriteScope, Task<T>> unit, CancellationToken cancellationToken)
    {
        Activity.CountUnit();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var scope = new WriteScope(connection, transaction, cancellationToken) { TraceParent = Telemetry.OpenVerifyTracing.CurrentTraceParent() };
        var result = await unit(scope);
        if (scope.Discarded)
        {
            await transaction.RollbackAsync(cancellationToken);
            return result;
        }

        await transaction.CommitAsync(cancellationToken);
        Activity.CountCommit();
        scope.RunCommitted();
        return result;
    }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        // Instances starting together take turns: the first migrates, the others then find nothing to do.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            lockCommand.Parameters.AddWithValue("key", MigrationLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            var result = DeployChanges.To
                .PostgresqlDatabase(connectionString)
                .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.Contains(".Storage.Postgres.Migrations.", StringComparison.Ordinal))
                .WithTransactionPerScript()
                .LogToNowhere()
                .Build()
                .PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException("PostgreSQL migration failed: " + result.Error.Message, result.Error);
            }
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            unlock.Parameters.AddWithValue("key", MigrationLockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => dataSource.Dispose();
}
