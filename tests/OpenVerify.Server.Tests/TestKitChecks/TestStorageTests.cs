using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Storage;
using OpenVerify.Server.Storage.Postgres;
using OpenVerify.Server.Storage.Sqlite;
using OpenVerify.Server.Tests.Infrastructure;

namespace OpenVerify.Server.Tests.TestKitChecks;

/// <summary>These sources run once per storage provider: each assembly's servers are on its own provider.</summary>
public sealed class TestStorageTests
{
    [Fact]
    public void The_postgres_assembly_and_only_it_runs_on_postgres()
    {
        var assembly = typeof(TestStorage).Assembly.GetName().Name!;
        Assert.Equal(assembly.EndsWith(".Postgres", StringComparison.Ordinal), TestStorage.IsPostgres);
    }

    [Fact]
    public async Task Pooled_and_private_servers_use_the_assemblys_provider()
    {
        var expected = TestStorage.IsPostgres ? typeof(PostgresDatabase) : typeof(SqliteDatabase);
        await using var pooled = await TestApi.StartAsync();
        await using var custom = await TestApi.StartAsync(new Dictionary<string, string?> { ["OpenVerify:PublicUrl"] = "https://verify.example.com" });
        Assert.IsType(expected, pooled.Services.GetRequiredService<IDatabase>());
        Assert.IsType(expected, custom.Services.GetRequiredService<IDatabase>());
    }
}
