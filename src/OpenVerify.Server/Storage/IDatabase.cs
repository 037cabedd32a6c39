using System.Data.Common;

namespace OpenVerify.Server.Storage;

/// <summary>
/// The one thing a storage provider supplies to the stores: connections for reads, and units of
/// work for writes. A unit of work is one state change with its outbox rows; it commits before
/// <see cref="WriteAsync{T}"/> returns, so an acknowledged write is durable.
/// </summary>
public interface IDatabase
{
    /// <summary>Opens a connection for reading; dispose it to give it back.</summary>
    Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="unit"/> as one unit of work and returns its result once it is committed.
    /// The unit only talks to the database through its <see cref="WriteScope"/> (no other awaits:
    /// on SQLite it runs on the one writer, between other callers' units). When it throws, or calls
    /// <see cref="WriteScope.Discard"/>, none of its writes happen.
    /// </summary>
    Task<T> WriteAsync<T>(Func<WriteScope, Task<T>> unit, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="unit"/>, which returns nothing, as one unit of work (see <see cref="WriteAsync{T}"/>).</summary>
    Task WriteAsync(Func<WriteScope, Task> unit, CancellationToken cancellationToken) =>
        WriteAsync<bool>(async scope =>
        {
            await unit(scope);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Appended to a SELECT that picks rows to change in bulk (outbox claims, sweeps): PostgreSQL's
    /// <c>FOR UPDATE SKIP LOCKED</c> lets instances work side by side and never wait on each other;
    /// SQLite needs nothing, its writes are serialised.
    /// </summary>
    string SkipLockedClause => "";

    /// <summary>
    /// True when units of work run side by side and a unit that counts rows before it adds one must
    /// first lock a parent row (PostgreSQL). SQLite runs one unit at a time, so there the lock would
    /// only cost a statement and a dirtied page.
    /// </summary>
    bool RunsUnitsConcurrently => false;

    /// <summary>
    /// The condition "<paramref name="column"/> is one of the list parameter <paramref name="parameter"/>".
    /// Note: Dapper expands <c>IN @list</c> into one parameter per item for SQLite, but hands Npgsql
    /// the whole list as one array parameter, which PostgreSQL only accepts as <c>= ANY(@list)</c>.
    /// Pass the list as an array.
    /// </summary>
    string AnyOf(string column, string parameter) => $"{column} IN @{parameter}";

    /// <summary>Applies migrations; called once at start.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>What was asked of the database so far.</summary>
    StorageActivity Activity { get; }
}

/// <summary>What a unit of work writes through: its connection, transaction and cancellation.</summary>
public sealed class WriteScope(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
{
    /// <summary>The connection the unit runs on.</summary>
    public DbConnection Connection { get; } = connection;

    /// <summary>The transaction to pass to every command.</summary>
    public DbTransaction Transaction { get; } = transaction;

    /// <summary>The caller's cancellation.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>
    /// The W3C <c>traceparent</c> of the span that asked for this unit, taken when it was asked
    /// (the SQLite writer runs units outside their caller's context); outbox rows keep it so that
    /// their delivery span links back. Null when traces are not recorded.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>True once <see cref="Discard"/> was called.</summary>
    public bool Discarded { get; private set; }

    internal List<Action>? Committed { get; private set; }

    /// <summary>Runs <paramref name="action"/> after the unit is committed (e.g. wake the outbox worker).</summary>
    public void OnCommitted(Action action) => (Committed ??= []).Add(action);

    /// <summary>The change did not happen after all (a condition failed): roll back what the unit wrote.</summary>
    public void Discard() => Discarded = true;

    internal void RunCommitted() => Committed?.ForEach(a => a());
}
