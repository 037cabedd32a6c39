using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Storage;
using OpenVerify.Server.Storage.Postgres;
using OpenVerify.Server.Storage.Sqlite;

namespace OpenVerify.Server.Tests.Storage;

/// <summary>This class runs once per storage provider: each run's servers are on that run's provider.</summary>
public sealed class TestStorageTests
{
    [Fact]
    public async Task Pooled_and_private_servers_use_the_runs_provider()
    {
        var expected = TestStorage.IsPostgres ? typeof(PostgresDatabase) : typeof(SqliteDatabase);
        await using var pooled = await TestApi.StartAsync();
        await using var custom = await TestApi.StartAsync(new Dictionary<string, string?> { ["OpenVerify:PublicUrl"] = "https://verify.example.com" });
        Assert.IsType(expected, pooled.Services.GetRequiredService<IDatabase>());
        Assert.IsType(expected, custom.Services.GetRequiredService<IDatabase>());
    }

    [Fact]
    public async Task The_provider_flows_into_work_the_test_starts()
    {
        var provider = TestStorage.Provider;
        var seen = await Task.Run(async () =>
        {
            await Task.Yield();
            return TestStorage.Provider;
        });
        Assert.Equal(provider, seen);
    }
}
