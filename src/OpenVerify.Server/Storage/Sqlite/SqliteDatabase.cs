using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;
using System.Threading.Channels;
using DbUp;
using Microsoft.Data.Sqlite;

namespace OpenVerify.Server.Storage.Sqlite;

/// <summary>
/// SQLite in WAL mode with group commit. Note: SQLite allows one writer at a time, and a commit
/// costs far more than the statements before it; so callers do not take turns on the write lock.
/// They queue units of work, and one writer loop takes every queued unit, runs each in a savepoint
/// of one transaction (a unit that fails or discards rolls back only itself), commits once, and
/// then completes each caller. Reads use a pool of connections that WAL never blocks. Both keep
/// their statements prepared (<see cref="PreparedConnection"/>). synchronous=NORMAL in WAL mode loses
/// nothing when the process is killed (only on power loss), which is the durability promised.
/// </summary>
public sealed class SqliteDatabase : IDatabase, IAsyncDisposable
{
    // Enough to amortise one commit over a burst; small enough that the first caller of a batch
    // does not wait long for the last.
    private const int MaxUnitsPerCommit = 256;

    // Idle read connections kept open: each costs a file handle and its page cache, and opening one
    // costs a schema parse, so keep about as many as requests run at once.
    private const int MaxIdleReaders = 64;

    // Note: each connection has its own page cache, so with dozens of readers most page reads were
    // pread() calls into the OS cache; memory-mapped reads share the OS pages instead (issue #11).
    private const string ReadPragmas = "PRAGMA mmap_size=268435456;";

    private readonly string connectionString;
    private readonly Channel<WriteUnit> queue = Channel.CreateUnbounded<WriteUnit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentBag<PreparedConnection> idleReaders = [];
    private readonly Lock startLock = new();
    private Task? writerLoop;
    private PreparedConnection? writeConnection;
    private int idleCount;
    private bool disposed;

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
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <inheritdoc />
    public StorageActivity Activity { get; } = new();

    /// <inheritdoc />
    public async Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        Activity.CountRead();
        if (idleReaders.TryTake(out var idle))
        {
            Interlocked.Decrement(ref idleCount);
            return idle;
        }

        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await PragmaAsync(connection, ReadPragmas);
        return new PreparedConnection(connection, GiveBack);
    }

    private void GiveBack(PreparedConnection connection)
    {
        if (!Volatile.Read(ref disposed) && Interlocked.Increment(ref idleCount) <= MaxIdleReaders)
        {
            idleReaders.Add(connection);
            return;
        }

        Interlocked.Decrement(ref idleCount);
        connection.Destroy();
    }

    /// <inheritdoc />
    public Task<T> WriteAsync<T>(Func<WriteScope, Task<T>> unit, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        EnsureWriter();
        Activity.CountUnit();
        var queued = new WriteUnit<T>(unit, cancellationToken);
        return queue.Writer.TryWrite(queued) ? queued.Task : throw new ObjectDisposedException(nameof(SqliteDatabase));
    }

    private void EnsureWriter()
    {
        if (writerLoop is not null)
        {
            return;
        }

        lock (startLock)
        {
            writerLoop ??= Task.Run(WriteLoopAsync);
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<WriteUnit>(MaxUnitsPerCommit);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxUnitsPerCommit && queue.Reader.TryRead(out var unit))
            {
                if (unit.CancellationToken.IsCancellationRequested)
                {
                    unit.Cancel();
                }
                else
                {
                    batch.Add(unit);
                }
            }

            if (batch.Count > 0)
            {
                await CommitBatchAsync(batch);
            }
        }
    }

    private async Task CommitBatchAsync(List<WriteUnit> batch)
    {
        SqliteTransaction transaction;
        try
        {
            writeConnection ??= await OpenWriterAsync();
            // BEGIN IMMEDIATE has no async overload, and Microsoft.Data.Sqlite's async methods run
            // synchronously anyway; this is the one writer loop, not a request thread.
#pragma warning disable CA1849
            transaction = writeConnection.Inner.BeginTransaction(deferred: false);
#pragma warning restore CA1849
        }
        catch (Exception exception)
        {
            ResetWriter();
            batch.ForEach(u => u.Fail(exception));
            return;
        }

        var done = new List<(WriteUnit Unit, WriteScope Scope)>(batch.Count);
        Exception? broken = null;
        using (transaction)
        {
            foreach (var unit in batch)
            {
                var scope = new WriteScope(writeConnection, transaction, unit.CancellationToken) { TraceParent = unit.TraceParent };
                try
                {
                    Savepoint(transaction, "SAVEPOINT unit");
                    await unit.RunAsync(scope);
                    if (scope.Discarded)
                    {
                        Savepoint(transaction, "ROLLBACK TO unit");
                    }

                    Savepoint(transaction, "RELEASE unit");
                    done.Add((unit, scope));
                }
                catch (Exception exception)
                {
                    unit.Fail(exception);
                    try
                    {
                        Savepoint(transaction, "ROLLBACK TO unit");
                        Savepoint(transaction, "RELEASE unit");
                    }
                    catch (Exception rollbackFailure)
                    {
                        // SQLite itself rolled the transaction back (e.g. disk full): nothing of the batch holds.
                        broken = rollbackFailure;
                        break;
                    }
                }
            }

            if (broken is null)
            {
                try
                {
                    await transaction.CommitAsync(CancellationToken.None);
                    Activity.CountCommit();
                }
                catch (Exception exception)
                {
                    broken = exception;
                }
            }
        }

        if (broken is not null)
        {
            ResetWriter();
            foreach (var unit in batch)
            {
                unit.Fail(broken);
            }

            return;
        }

        foreach (var (unit, scope) in done)
        {
            unit.Complete(scope);
        }
    }

    // The writer's prepared statements, rather than SqliteTransaction.Save/Release, which parse anew each time.
    private void Savepoint(SqliteTransaction transaction, string sql)
    {
        var command = writeConnection!.Statement(sql);
        command.Transaction = transaction;
        command.Parameters.Clear();
        command.ExecuteNonQuery();
    }

    private void ResetWriter()
    {
        writeConnection?.Destroy();
        writeConnection = null;
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

        // Connections opened before the migration hold the old schema.
        DropIdleReaders();
    }

    private async Task<PreparedConnection> OpenWriterAsync()
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await PragmaAsync(connection, ReadPragmas + "PRAGMA synchronous=NORMAL;");
        return new PreparedConnection(connection, null);
    }

    private static async Task PragmaAsync(SqliteConnection connection, string pragmas)
    {
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = pragmas;
        await pragma.ExecuteNonQueryAsync();
    }

    private void DropIdleReaders()
    {
        while (idleReaders.TryTake(out var idle))
        {
            Interlocked.Decrement(ref idleCount);
            idle.Destroy();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        queue.Writer.TryComplete();
        if (writerLoop is not null)
        {
            await writerLoop;
        }

        ResetWriter();
        DropIdleReaders();
    }

    /// <summary>A queued unit of work and its caller's completion.</summary>
    private abstract class WriteUnit(CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;
        public string? TraceParent { get; } = Telemetry.OpenVerifyTracing.CurrentTraceParent();
        public abstract Task RunAsync(WriteScope scope);
        public abstract void Complete(WriteScope scope);
        public abstract void Fail(Exception exception);
        public abstract void Cancel();
    }

    private sealed class WriteUnit<T>(Func<WriteScope, Task<T>> unit, CancellationToken cancellationToken) : WriteUnit(cancellationToken)
    {
        // Callers continue on the thread pool, never on the writer loop.
        private readonly TaskCompletionSource<T> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T result = default!;

        public Task<T> Task => completion.Task;

        public override async Task RunAsync(WriteScope scope) => result = await unit(scope);

        public override void Complete(WriteScope scope)
        {
            if (!scope.Discarded)
            {
                scope.RunCommitted();
            }

            completion.TrySetResult(result);
        }

        public override void Fail(Exception exception)
        {
            if (exception is OperationCanceledException && CancellationToken.IsCancellationRequested)
            {
                completion.TrySetCanceled(CancellationToken);
            }
            else
            {
                completion.TrySetException(exception);
            }
        }

        public override void Cancel() => completion.TrySetCanceled(CancellationToken);
    }
}
