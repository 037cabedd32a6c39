using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using OpenVerify.TestKit.Postgres;

namespace OpenVerify.TestKit.Tests;

public sealed class PostgresClusterTests
{
    [Fact]
    public async Task Starts_serves_two_databases_and_stops()
    {
        var cluster = await PostgresCluster.StartAsync(TestTimeout.Token);
        var root = cluster.RootDirectory;
        try
        {
            Assert.True(cluster.IsRunning);
            Assert.InRange(cluster.Port, 1, 65535);

            var first = await cluster.CreateDatabaseAsync("alpha", TestTimeout.Token);
            var second = await cluster.CreateDatabaseAsync("Beta-2", TestTimeout.Token);
            Assert.Equal(cluster.ConnectionString("alpha"), first);

            await ExecuteAsync(first, "CREATE TABLE note (body text NOT NULL); INSERT INTO note VALUES ('in alpha')");
            await ExecuteAsync(second, "CREATE TABLE note (body text NOT NULL); INSERT INTO note VALUES ('in beta'), ('twice')");

            Assert.Equal("alpha", await ScalarAsync<string>(first, "SELECT current_database()"));
            Assert.Equal("Beta-2", await ScalarAsync<string>(second, "SELECT current_database()"));
            Assert.Equal("in alpha", await ScalarAsync<string>(first, "SELECT string_agg(body, ',') FROM note"));
            Assert.Equal(2L, await ScalarAsync<long>(second, "SELECT count(*) FROM note"));
            Assert.Equal("off", await ScalarAsync<string>(first, "SHOW fsync"));
            Assert.Equal("on", await ScalarAsync<string>(first, "SHOW synchronous_commit"));
            Assert.Equal("off", await ScalarAsync<string>(first, "SHOW full_page_writes"));
            Assert.True(await ScalarAsync<int>(first, "SELECT current_setting('server_version_num')::int") >= 150000);

            await Assert.ThrowsAsync<PostgresException>(() => cluster.CreateDatabaseAsync("alpha", TestTimeout.Token));
            await Assert.ThrowsAsync<ArgumentException>(() => cluster.CreateDatabaseAsync("bad\"name", TestTimeout.Token));
        }
        finally
        {
            await cluster.KillAsync();
        }

        Assert.False(cluster.IsRunning);
        Assert.False(Directory.Exists(root));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync<long>(cluster.ConnectionString("alpha"), "SELECT 1"));
        await cluster.DisposeAsync(); // a second stop is harmless
    }

    [Fact]
    public async Task Committed_data_survives_an_immediate_stop_and_restart()
    {
        await using var cluster = await PostgresCluster.StartAsync(new PostgresClusterOptions { SynchronousCommit = true }, TestTimeout.Token);
        var db = await cluster.CreateDatabaseAsync("durable", TestTimeout.Token);
        var port = cluster.Port;

        await ExecuteAsync(db, "CREATE TABLE item (id int PRIMARY KEY)");
        await ExecuteAsync(db, "INSERT INTO item SELECT generate_series(1, 1000)");

        // An open, uncommitted transaction at the moment of the kill must not survive.
        var pending = new NpgsqlConnection(db);
        await pending.OpenAsync(TestTimeout.Token);
        var transaction = await pending.BeginTransactionAsync(TestTimeout.Token);
        await using (var insert = new NpgsqlCommand("INSERT INTO item VALUES (5000)", pending, transaction))
        {
            await insert.ExecuteNonQueryAsync(TestTimeout.Token);
        }

        await cluster.RestartAsync(TestTimeout.Token);
        await Assert.ThrowsAnyAsync<Exception>(async () => await transaction.CommitAsync(TestTimeout.Token));
        await pending.DisposeAsync();

        Assert.True(cluster.IsRunning);
        Assert.Equal(port, cluster.Port);
        Assert.Equal(1000L, await ScalarAsync<long>(db, "SELECT count(*) FROM item"));
        Assert.Contains("not properly shut down", cluster.LogTail(200), StringComparison.Ordinal);

        // The restarted server keeps working, and a second stop/start cycle works too.
        await ExecuteAsync(db, "INSERT INTO item VALUES (1001)");
        await cluster.StopServerAsync(TestTimeout.Token);
        Assert.False(cluster.IsRunning);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync<long>(db, "SELECT 1"));
        await cluster.StartServerAsync(TestTimeout.Token);
        Assert.Equal(1001L, await ScalarAsync<long>(db, "SELECT count(*) FROM item"));
    }

    [Fact]
    public async Task A_restart_onto_a_taken_port_fails_explicitly()
    {
        await using var cluster = await PostgresCluster.StartAsync(TestTimeout.Token);
        await cluster.StopServerAsync(TestTimeout.Token);

        using (var squatter = new TcpListener(IPAddress.Loopback, cluster.Port))
        {
            squatter.Start();
            var error = await Assert.ThrowsAsync<PostgresUnavailableException>(() => cluster.StartServerAsync(TestTimeout.Token));
            Assert.Contains(cluster.Port.ToString(CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
            Assert.False(cluster.IsRunning);
        }

        await cluster.StartServerAsync(TestTimeout.Token);
        Assert.Equal(1, await ScalarAsync<int>(cluster.ConnectionString("postgres"), "SELECT 1"));
    }

    [Fact]
    public async Task Two_clusters_run_side_by_side_on_different_ports()
    {
        var starts = await Task.WhenAll(PostgresCluster.StartAsync(TestTimeout.Token), PostgresCluster.StartAsync(TestTimeout.Token));
        await using var a = starts[0];
        await using var b = starts[1];

        Assert.NotEqual(a.Port, b.Port);
        Assert.NotEqual(a.RootDirectory, b.RootDirectory);
        var dbA = await a.CreateDatabaseAsync("same", TestTimeout.Token);
        var dbB = await b.CreateDatabaseAsync("same", TestTimeout.Token);
        await ExecuteAsync(dbA, "CREATE TABLE only_in_a (x int)");
        Assert.Equal(1L, await ScalarAsync<long>(dbA, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'"));
        Assert.Equal(0L, await ScalarAsync<long>(dbB, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'"));
    }

    [Fact]
    public void Missing_binaries_fail_with_a_clear_message()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-postgres-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<PostgresUnavailableException>(() => PostgresBinaries.Locate(missing));

        Assert.Contains(PostgresBinaries.BinDirVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains("initdb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binaries_are_found_on_this_machine()
    {
        var found = PostgresBinaries.Locate(null);

        Assert.True(File.Exists(found.InitDb));
        Assert.True(File.Exists(found.PgCtl));
        Assert.True(File.Exists(found.Postgres));
    }

    internal static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestTimeout.Token);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestTimeout.Token);
    }

    internal static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestTimeout.Token);
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(TestTimeout.Token);
        return (T)value!;
    }
}
