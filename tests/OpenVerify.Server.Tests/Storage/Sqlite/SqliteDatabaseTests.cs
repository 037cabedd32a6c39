using Dapper;
using OpenVerify.Server.Storage.Sqlite;

namespace OpenVerify.Server.Tests.Storage.Sqlite;

/// <summary>
/// Group commit: units queued together share one transaction, each in its own savepoint, so one
/// unit's failure or discard undoes only that unit.
/// </summary>
// The group commit is SQLite's own writer.
[RunsOn(TestStorage.Sqlite)]
public sealed class SqliteDatabaseTests : IAsyncLifetime
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "openverify-sqlite-" + Guid.NewGuid().ToString("N"));
    private SqliteDatabase database = null!;

    public async Task InitializeAsync()
    {
        database = new SqliteDatabase(Path.Combine(directory, "test.db"));
        await database.MigrateAsync(CancellationToken.None);
        await database.WriteAsync(w => w.Connection.ExecuteAsync("CREATE TABLE marks (n INTEGER NOT NULL)", transaction: w.Transaction), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Of_concurrent_units_a_failing_or_discarding_one_undoes_only_itself()
    {
        const int units = 300;
        var commitsBefore = database.Activity.Commits;
        // Hold the writer in a unit of its own until every other unit is queued behind it.
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = database.WriteAsync(async _ =>
        {
            running.SetResult();
            await release.Task;
            return true;
        }, CancellationToken.None);
        await running.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var queued = Enumerable.Range(0, units).Select(async n =>
        {
            try
            {
                return await database.WriteAsync(async w =>
                {
                    await w.Connection.ExecuteAsync("INSERT INTO marks (n) VALUES (@n)", new { n }, w.Transaction);
                    switch (n % 3)
                    {
                        case 1:
                            throw new InvalidOperationException("unit " + n + " fails after writing");
                        case 2:
                            w.Discard();
                            return "discarded";
                        default:
                            return "kept";
                    }
                }, CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                return "failed";
            }
        }).ToList();
        release.SetResult();
        await gate;
        var results = await Task.WhenAll(queued);

        Assert.Equal(units / 3, results.Count(r => r == "kept"));
        Assert.Equal(units / 3, results.Count(r => r == "failed"));
        Assert.Equal(units / 3, results.Count(r => r == "discarded"));
        await using var c = await database.OpenReadAsync(CancellationToken.None);
        var kept = (await c.QueryAsync<long>("SELECT n FROM marks ORDER BY n")).ToList();
        Assert.Equal(Enumerable.Range(0, units).Where(n => n % 3 == 0).Select(n => (long)n), kept);
        // The gate's own commit, then the 300 queued units in batches of at most 256: two commits.
        Assert.Equal(3, database.Activity.Commits - commitsBefore);
    }

    [Fact]
    public async Task A_unit_alone_that_discards_writes_nothing_and_the_next_one_commits()
    {
        Assert.Equal("discarded", await database.WriteAsync(async w =>
        {
            await w.Connection.ExecuteAsync("INSERT INTO marks (n) VALUES (1)", transaction: w.Transaction);
            w.Discard();
            return "discarded";
        }, CancellationToken.None));
        await database.WriteAsync(w => w.Connection.ExecuteAsync("INSERT INTO marks (n) VALUES (2)", transaction: w.Transaction), CancellationToken.None);

        await using var c = await database.OpenReadAsync(CancellationToken.None);
        Assert.Equal([2L], await c.QueryAsync<long>("SELECT n FROM marks"));
    }

    [Fact]
    public async Task A_read_sees_a_unit_once_its_write_returned()
    {
        for (var n = 0; n < 50; n++)
        {
            await database.WriteAsync(w => w.Connection.ExecuteAsync("INSERT INTO marks (n) VALUES (@n)", new { n }, w.Transaction), CancellationToken.None);
            await using var c = await database.OpenReadAsync(CancellationToken.None);
            Assert.Equal(n + 1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM marks"));
        }
    }
}
