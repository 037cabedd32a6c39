using OpenVerify.TestKit.Postgres;

namespace OpenVerify.TestKit.Tests;

[Collection(PostgresFixture.Collection)]
public sealed class PostgresFixtureTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Each_test_gets_its_own_database()
    {
        var first = await postgres.CreateDatabaseAsync("fixture", TestTimeout.Token);
        var second = await postgres.CreateDatabaseAsync("fixture", TestTimeout.Token);

        Assert.NotEqual(first, second);
        await PostgresClusterTests.ExecuteAsync(first, "CREATE TABLE t (x int); INSERT INTO t VALUES (1)");
        Assert.Equal(1L, await PostgresClusterTests.ScalarAsync<long>(first, "SELECT count(*) FROM t"));
        Assert.Equal(0L, await PostgresClusterTests.ScalarAsync<long>(second, "SELECT count(*) FROM pg_tables WHERE tablename = 't'"));
    }

    [Fact]
    public void Serves_one_running_cluster()
    {
        Assert.True(postgres.Cluster.IsRunning);
        Assert.Equal(postgres.Cluster.Port, new Npgsql.NpgsqlConnectionStringBuilder(postgres.Cluster.ConnectionString("postgres")).Port);
    }
}
