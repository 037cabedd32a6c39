using OpenVerify.Server.Storage;
using OpenVerify.Server.Storage.Postgres;
using OpenVerify.Server.Storage.Sqlite;
using OpenVerify.TestKit.Postgres;

namespace OpenVerify.TestKit.Storage;

/// <summary>
/// The storage provider the running test is on. A test assembly that declares
/// <c>[assembly: TestFramework(BothProviders.Framework, BothProviders.Assembly)]</c> runs every test class
/// once per provider (see <see cref="BothProvidersFramework"/>); everything that opens storage for a
/// test (<see cref="Hosting.TestApi"/>, <see cref="OpenDatabaseAsync"/>) asks this class which.
/// </summary>
public static class TestStorage
{
    public const string Sqlite = "sqlite";

    public const string Postgres = "postgres";

    /// <summary>Both providers, in the order a test class runs on them.</summary>
    public static IReadOnlyList<string> All { get; } = [Sqlite, Postgres];

    // Note: xunit 2 has no assembly fixtures and a collection fixture would serialise every test class,
    // so the one cluster of the process is started on first use and stopped by ShutdownAsync at the end
    // of the run (the test host may be killed before its ProcessExit handlers finish deleting it).
    private static readonly Lazy<Task<PostgresCluster>> Cluster = new(() => PostgresCluster.StartAsync());

    // The provider flows with the test's execution context, so test classes running in parallel on
    // different providers do not see each other's.
    private static readonly AsyncLocal<string?> Current = new();

    /// <summary>The current test's provider (SQLite outside <see cref="BothProvidersFramework"/>).</summary>
    public static string Provider => Current.Value ?? Sqlite;

    public static bool IsPostgres => Provider == Postgres;

    /// <summary>Puts the code that runs after this call, in this execution context, on <paramref name="provider"/>.</summary>
    public static void Use(string provider)
    {
        if (!All.Contains(provider))
        {
            throw new ArgumentOutOfRangeException(nameof(provider), provider, "sqlite or postgres");
        }

        Current.Value = provider;
    }

    /// <summary>Stops the shared cluster, if one was started, and deletes its directory.</summary>
    public static async Task ShutdownAsync()
    {
        if (Cluster.IsValueCreated && Cluster.Value.IsCompletedSuccessfully)
        {
            await (await Cluster.Value).DisposeAsync();
        }
    }

    /// <summary>A fresh, empty database of the shared cluster; returns its connection string.</summary>
    public static async Task<string> CreatePostgresDatabaseAsync(string prefix = "test")
    {
        var cluster = await Cluster.Value;
        return await cluster.CreateDatabaseAsync(prefix + "_" + Guid.NewGuid().ToString("N")[..16]);
    }

    /// <summary>
    /// The settings that put one server on the current provider: nothing for SQLite (a file in its
    /// data directory), else a fresh database of the shared cluster, so no two servers share data.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string?>> NewServerSettingsAsync()
    {
        if (!IsPostgres)
        {
            return new Dictionary<string, string?>();
        }

        return new Dictionary<string, string?>
        {
            ["OpenVerify:Storage"] = Postgres,
            ["OpenVerify:Connection"] = await CreatePostgresDatabaseAsync("api"),
        };
    }

    /// <summary>
    /// A fresh, empty (not migrated) database on the current provider, for tests of the stores alone:
    /// a SQLite file in <paramref name="directory"/>, or a new database of the shared cluster.
    /// </summary>
    public static async Task<IDatabase> OpenDatabaseAsync(string directory) =>
        IsPostgres
            ? new PostgresDatabase(await CreatePostgresDatabaseAsync("store"))
            : new SqliteDatabase(Path.Combine(directory, "openverify.db"));
}
