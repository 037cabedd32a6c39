using System.Data.Common;
using System.Reflection;
using DbUp;
using Microsoft.Data.Sqlite;

namespace OpenVerify.Server.Storage.Sqlite;

/// <summary>
/// SQLite in WAL mode. Note: SQLite allows one writer at a time; rather than letting concurrent
/// requests spin on SQLITE_BUSY, writes queue on one long-lived connection behind an async lock,
/// while reads use pooled connections that WAL never blocks. synchronous=NORMAL in WAL mode loses
/// nothing when the process is killed (only on power loss), which is the durability promised.
/// </summary>
public sealed class SqliteDatabase : IDatabase, IAsyncDisposable
{
    private readonly string connectionString;
    private readonly SemaphoreSlim writer = new(1, 1);
    private SqliteConnection? writeConnection;

    /// <summary>Creates the database over a file path (created if missing).</summary>
    public SqliteDatabase(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <inheritdoc />
    public async Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <inheritdoc />
    public async Task<WriteScope> BeginWriteAsync(CancellationToken cancellationToken)
    {
        await writer.WaitAsync(cancellationToken);
        try
        {
            writeConnection ??= await OpenWriterAsync(cancellationToken);
            var transaction = await writeConnection.BeginTransactionAsync(cancellationToken);
            return new WriteScope(writeConnection, transaction, () =>
            {
                writer.Release();
                return ValueTask.CompletedTask;
            });
        }
        catch
        {
            writer.Release();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var wal = connection.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        var result = DeployChanges.To
            .SqliteDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.Contains(".Storage.Sqlite.Migrations.", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build()
            .PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException("SQLite migration failed: " + result.Error.Message, result.Error);
        }
    }

    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=NORMAL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (writeConnection is not null)
        {
            await writeConnection.DisposeAsync();
        }

        writer.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
