using System.Reflection;
using OpenVerify.TestKit.Postgres;

namespace OpenVerify.Server.Tests.Infrastructure;

/// <summary>
/// Puts the API tests on another storage provider than SQLite: the test assembly declares
/// <c>[assembly: TestStorage(TestStorage.Postgres)]</c> (OpenVerify.Server.Tests.Postgres does, and
/// compiles the same test sources).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class TestStorageAttribute(string provider) : Attribute
{
    /// <summary>The value of <c>OpenVerify:Storage</c>.</summary>
    public string Provider { get; } = provider;
}

/// <summary>The storage the test servers of this assembly use (SQLite unless <see cref="TestStorageAttribute"/> says otherwise).</summary>
public static class TestStorage
{
    public const string Sqlite = "sqlite";

    public const string Postgres = "postgres";

    // Note: xunit 2 has no assembly fixtures and a collection fixture would serialise every test class,
    // so the one cluster of the assembly is started on first use and stopped by ShutdownAsync at the end
    // of the run (the test host may be killed before its ProcessExit handlers finish deleting it).
    private static readonly Lazy<Task<PostgresCluster>> Cluster = new(() => PostgresCluster.StartAsync());

    public static string Provider { get; } = typeof(TestStorage).Assembly.GetCustomAttribute<TestStorageAttribute>()?.Provider ?? Sqlite;

    public static bool IsPostgres => Provider == Postgres;

    /// <summary>Stops the shared cluster, if one was started, and deletes its directory.</summary>
    public static async Task ShutdownAsync()
    {
        if (Cluster.IsValueCreated && Cluster.Value.IsCompletedSuccessfully)
        {
            await (await Cluster.Value).DisposeAsync();
        }
    }

    /// <summary>
    /// The settings that put one server on this assembly's storage: nothing for SQLite (a file in its
    /// data directory), else a fresh database of the shared cluster, so no two servers share data.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string?>> NewServerSettingsAsync()
    {
        if (!IsPostgres)
        {
            return new Dictionary<string, string?>();
        }

        var cluster = await Cluster.Value;
        var connection = await cluster.CreateDatabaseAsync("api_" + Guid.NewGuid().ToString("N")[..16]);
        return new Dictionary<string, string?>
        {
            ["OpenVerify:Storage"] = Postgres,
            ["OpenVerify:Connection"] = connection,
        };
    }
}
