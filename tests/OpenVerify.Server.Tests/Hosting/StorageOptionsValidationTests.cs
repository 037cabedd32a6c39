using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Storage;
using OpenVerify.Server.Storage.Postgres;

namespace OpenVerify.Server.Tests.Hosting;

/// <summary>Choosing the storage provider by configuration, and refusing to start without what it needs.</summary>
[StorageFree]
public sealed class StorageOptionsValidationTests
{
    [Fact]
    public void Postgres_without_a_connection_string_fails_at_start_naming_the_option()
    {
        using var provider = Build(new() { ["OpenVerify:Storage"] = "postgres" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OpenVerifyOptions>>().Value);

        Assert.Contains("--connection", error.Message, StringComparison.Ordinal);
        Assert.Contains("OpenVerify__Connection", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_with_an_unparseable_connection_string_fails_at_start()
    {
        using var provider = Build(new() { ["OpenVerify:Storage"] = "postgres", ["OpenVerify:Connection"] = "Host=127.0.0.1;NoSuchKeyword=1" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OpenVerifyOptions>>().Value);

        Assert.Contains("not a valid PostgreSQL connection string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_storage_selects_the_postgres_provider_with_skip_locked_claims()
    {
        using var provider = Build(new() { ["OpenVerify:Storage"] = "postgres", ["OpenVerify:Connection"] = "Host=127.0.0.1;Database=openverify;Username=openverify" });

        var database = provider.GetRequiredService<IDatabase>();

        Assert.IsType<PostgresDatabase>(database);
        Assert.Equal("FOR UPDATE SKIP LOCKED", database.SkipLockedClause);
    }

    [Fact]
    public void An_unknown_storage_kind_is_refused()
    {
        using var provider = Build(new() { ["OpenVerify:Storage"] = "mysql" });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OpenVerifyOptions>>().Value);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddLogging()
            .AddOpenVerify(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();
}
