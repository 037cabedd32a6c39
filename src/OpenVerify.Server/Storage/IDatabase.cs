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

    /// <summary>
    /// Appended to the outbox claim's inner SELECT: PostgreSQL's <c>FOR UPDATE SKIP LOCKED</c> lets
    /// instances claim side by side; SQLite needs nothing, its writes are serialised.
    /// </summary>
    string SkipLockedClause => "";

    /// <summary>
    /// The condition "<paramref name="column"/> is one of the list parameter <paramref name="parameter"/>".
    /// Note: Dapper expands <c>IN @list</c> into one parameter per item for SQLite, but hands Npgsql
    /// the whole list as one array parameter, which PostgreSQL only accepts as <c>= ANY(@list)</c>.
    /// Pass the list as an array.
    /// </summary>
    string AnyOf(string column, string parameter) => $"{column} IN @{parameter}";

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

    private List<Action>? committed;

    /// <summary>Runs <paramref name="action"/> after a successful commit (e.g. wake the outbox worker).</summary>
    public void OnCommitted(Action action) => (committed ??= []).Add(action);

    /// <summary>Commits the transaction.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await Transaction.CommitAsync(cancellationToken);
        committed?.ForEach(a => a());
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await release();
    }
}
