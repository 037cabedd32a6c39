using OpenVerify.Server.Storage;
using OpenVerify.Server.Storage.Postgres;
using OpenVerify.Server.Storage.Sqlite;
using OpenVerify.TestKit.Postgres;

namespace OpenVerify.Storage.Tests;

/// <summary>Where a test's fresh, migrated database comes from: each test gets its own.</summary>
public interface IStorageTarget : IAsyncDisposable
{
    /// <summary>Creates (but does not migrate) a new empty database.</summary>
    Task<IDatabase> OpenAsync(CancellationToken cancellationToken);
}

/// <summary>A SQLite file in a temporary directory, deleted afterwards.</summary>
public sealed class SqliteTarget : IStorageTarget
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "openverify-tests", Guid.NewGuid().ToString("N"));
    private SqliteDatabase? database;

    /// <inheritdoc />
    public Task<IDatabase> OpenAsync(CancellationToken cancellationToken)
    {
        database = new SqliteDatabase(Path.Combine(directory, "openverify.db"));
        return Task.FromResult<IDatabase>(database);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (database is not null)
        {
            await database.DisposeAsync();
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp directory is cleaned by the OS eventually.
        }
    }
}

/// <summary>A new database in the assembly's throwaway PostgreSQL cluster.</summary>
public sealed class PostgresTarget(PostgresFixture postgres) : IStorageTarget
{
    private PostgresDatabase? database;

    /// <summary>The connection string of the database made by <see cref="OpenAsync"/>.</summary>
    public string? ConnectionString { get; private set; }

    /// <inheritdoc />
    public async Task<IDatabase> OpenAsync(CancellationToken cancellationToken)
    {
        ConnectionString = await postgres.CreateDatabaseAsync("store", cancellationToken);
        database = new PostgresDatabase(ConnectionString);
        return database;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}
