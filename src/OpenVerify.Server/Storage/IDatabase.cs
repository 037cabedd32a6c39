using System.Data.Common;

namespace OpenVerify.Server.Storage;

/// <summary>
/// The one thing a storage provider supplies to the stores: connections for reads, and write
/// transactions. Every write commits before the API answers, so an acknowledged write is durable.
/// </summary>
public interface IDatabase
{
    /// <summary>Opens a connection for reading.</summary>
    Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken);

    /// <summary>Starts a write transaction; dispose without committing to roll back.</summary>
    Task<WriteScope> BeginWriteAsync(CancellationToken cancellationToken);

    /// <summary>Applies migrations; called once at start.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);
}

/// <summary>A write transaction and whatever the provider holds while it runs (SQLite: the writer lock).</summary>
public sealed class WriteScope(DbConnection connection, DbTransaction transaction, Func<ValueTask> release) : IAsyncDisposable
{
    /// <summary>The connection the transaction runs on.</summary>
    public DbConnection Connection { get; } = connection;

    /// <summary>The transaction to pass to every command.</summary>
    public DbTransaction Transaction { get; } = transaction;

    /// <summary>Commits the transaction.</summary>
    public Task CommitAsync(CancellationToken cancellationToken) => Transaction.CommitAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await release();
    }
}
