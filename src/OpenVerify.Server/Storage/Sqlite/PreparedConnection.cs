using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace OpenVerify.Server.Storage.Sqlite;

/// <summary>
/// A SQLite connection that keeps every statement it has run prepared, keyed by its SQL text.
/// Note: Microsoft.Data.Sqlite prepares a command's SQL again for every new command object, and
/// Dapper makes one per call, so SQLite re-parsed every statement (its parser was among the top
/// symbols of a profile under load, issue #11). No library caches statements for Dapper; this
/// hand-written shim does: Dapper gets a <see cref="PreparedCommand"/> that collects parameters
/// and runs them on the cached <see cref="SqliteCommand"/>, which keeps its sqlite3_stmt. The stores
/// keep writing plain Dapper. One connection is used by one caller at a time (the writer loop, or
/// a read lease), like any ADO.NET connection.
/// </summary>
internal sealed class PreparedConnection(SqliteConnection inner, Action<PreparedConnection>? release) : DbConnection
{
    // Statement texts are the stores' constants and their paging variants; the bound only guards
    // against a store that would build SQL from data by mistake.
    private const int MaxStatements = 512;
    private readonly Dictionary<string, SqliteCommand> statements = new(StringComparer.Ordinal);

    /// <summary>The underlying connection (transactions, pragmas).</summary>
    public SqliteConnection Inner => inner;

    /// <summary>The prepared command for <paramref name="sql"/>.</summary>
    public SqliteCommand Statement(string sql)
    {
        if (!statements.TryGetValue(sql, out var command))
        {
            if (statements.Count >= MaxStatements)
            {
                DisposeStatements();
            }

            command = inner.CreateCommand();
            command.CommandText = sql;
            statements[sql] = command;
        }

        return command;
    }

    /// <summary>Closes the connection for good (a read lease's dispose only gives it back).</summary>
    public void Destroy()
    {
        DisposeStatements();
        inner.Dispose();
    }

    private void DisposeStatements()
    {
        foreach (var command in statements.Values)
        {
            command.Dispose();
        }

        statements.Clear();
    }

    [AllowNull]
    public override string ConnectionString { get => inner.ConnectionString; set => inner.ConnectionString = value; }
    public override string Database => inner.Database;
    public override string DataSource => inner.DataSource;
    public override string ServerVersion => inner.ServerVersion;
    public override ConnectionState State => inner.State;
    public override void ChangeDatabase(string databaseName) => inner.ChangeDatabase(databaseName);
    public override void Close() => inner.Close();
    public override void Open() => inner.Open();
    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => inner.BeginTransaction(isolationLevel);
    protected override DbCommand CreateDbCommand() => new PreparedCommand(this);

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            // Note: DbConnection is a Component, whose finalizer calls Dispose(false) once a destroyed
            // connection dropped from the pool is collected; giving it back then would put a closed
            // connection into the pool ("ExecuteScalar can only be called when the connection is open").
            return;
        }

        if (release is not null)
        {
            release(this);
        }
        else
        {
            Destroy();
        }
    }

    public override ValueTask DisposeAsync()
    {
        Dispose(true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Collects what Dapper sets, then runs it on the connection's prepared statement.</summary>
internal sealed class PreparedCommand(PreparedConnection connection) : DbCommand
{
    // Note: SqliteParameterCollection has no public constructor; a spare command holds the list.
    private readonly SqliteCommand parameters = new();

    [AllowNull]
    public override string CommandText { get; set; } = "";
    public override int CommandTimeout { get; set; } = 30;
    public override CommandType CommandType { get; set; } = CommandType.Text;
    public override bool DesignTimeVisible { get; set; }
    public override UpdateRowSource UpdatedRowSource { get; set; }
    protected override DbConnection? DbConnection { get => connection; set { } }
    protected override DbParameterCollection DbParameterCollection => parameters.Parameters;
    protected override DbTransaction? DbTransaction { get; set; }
    public override void Cancel() { }
    public override void Prepare() { }
    protected override DbParameter CreateDbParameter() => new SqliteParameter();
    public override int ExecuteNonQuery() => Bound().ExecuteNonQuery();
    public override object? ExecuteScalar() => Bound().ExecuteScalar();
    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => Bound().ExecuteReader(behavior);

    private SqliteCommand Bound()
    {
        if (CommandType != CommandType.Text)
        {
            throw new NotSupportedException("SQLite runs text commands only");
        }

        var statement = connection.Statement(CommandText);
        statement.Transaction = (SqliteTransaction?)DbTransaction;
        statement.CommandTimeout = CommandTimeout;
        statement.Parameters.Clear();
        foreach (SqliteParameter p in parameters.Parameters)
        {
            statement.Parameters.Add(p);
        }

        return statement;
    }

    protected override void Dispose(bool disposing)
    {
        parameters.Dispose();
        base.Dispose(disposing);
    }
}
