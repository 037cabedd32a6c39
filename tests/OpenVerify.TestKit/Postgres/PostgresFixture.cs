
namespace OpenVerify.TestKit.Postgres;

/// <summary>
/// One throwaway PostgreSQL cluster shared by a whole test assembly; each test makes its own
/// database with <see cref="CreateDatabaseAsync"/>.
/// </summary>
/// <remarks>
/// <para>
/// xunit 2 only honours collection definitions declared in the test assembly itself, so each
/// test assembly declares one (once) and marks its classes with <c>[Collection(PostgresFixture.Collection)]</c>:
/// </para>
/// <code>
/// [CollectionDefinition(PostgresFixture.Collection)]
/// public sealed class PostgresCollection : ICollectionFixture&lt;PostgresFixture&gt;;
/// </code>
/// <para>
/// The cluster is shared process-wide and reference-counted, so the fixture may also be used as
/// an <c>IClassFixture</c> (letting classes run in parallel) and still start one cluster only.
/// It is stopped when the last fixture using it is disposed. Tests that stop or restart the
/// server should start a cluster of their own with <see cref="PostgresCluster.StartAsync(PostgresClusterOptions, CancellationToken)"/>.
/// </para>
/// </remarks>
public sealed class PostgresFixture : IAsyncLifetime
{
    /// <summary>The collection name to use in <c>[CollectionDefinition]</c> and <c>[Collection]</c>.</summary>
    public const string Collection = "PostgreSQL";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgresCluster? shared;
    private static int users;

    private PostgresCluster? cluster;

    /// <summary>The shared cluster; available once the fixture is initialised.</summary>
    public PostgresCluster Cluster => cluster ?? throw new InvalidOperationException("The PostgreSQL fixture is not initialised.");

    /// <summary>
    /// Creates a database with a fresh unique name (starting with <paramref name="prefix"/>) and returns
    /// its connection string.
    /// </summary>
    public Task<string> CreateDatabaseAsync(string prefix = "test", CancellationToken cancellationToken = default)
    {
        var name = prefix + "_" + Guid.NewGuid().ToString("N")[..16];
        return Cluster.CreateDatabaseAsync(name, cancellationToken);
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            shared ??= await PostgresCluster.StartAsync().ConfigureAwait(false);
            users++;
            cluster = shared;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (cluster is null)
        {
            return;
        }

        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            cluster = null;
            users--;
            if (users == 0 && shared is not null)
            {
                var last = shared;
                shared = null;
                await last.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            Gate.Release();
        }
    }
}
