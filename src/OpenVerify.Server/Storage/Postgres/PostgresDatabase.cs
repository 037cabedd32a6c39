using System.Data;
using System.Data.Common;
using System.Reflection;
using DbUp;
using Npgsql;

namespace OpenVerify.Server.Storage.Postgres;

/// <summary>
/// PostgreSQL through one pooled <see cref="NpgsqlDataSource"/>: reads take a pooled connection,
/// writes a pooled connection with a READ COMMITTED transaction. Unlike SQLite, writes run side by
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
        dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <inheritdoc />
    public string SkipLockedClause => "FOR UPDATE SKIP LOCKED";

    /// <inheritdoc />
    public string AnyOf(string column, string parameter) => $"{column} = ANY(@{parameter})";

    /// <inheritdoc />
    public async Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<WriteScope> BeginWriteAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            return new WriteScope(connection, transaction, connection.DisposeAsync);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
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
