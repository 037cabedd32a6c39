namespace OpenVerify.TestKit.Postgres;

/// <summary>Settings for <see cref="PostgresCluster.StartAsync(PostgresClusterOptions, CancellationToken)"/>.</summary>
public sealed record PostgresClusterOptions
{
    /// <summary>
    /// The server's <c>synchronous_commit</c>. Off by default, for speed. With it off, a commit
    /// acknowledged in the last few hundred milliseconds before <see cref="PostgresCluster.StopServerAsync"/>
    /// or <see cref="PostgresCluster.RestartAsync"/> (an immediate, crash-like stop) may be lost, just as
    /// in a real crash; tests that check that committed data survives a kill turn it on. fsync stays
    /// off either way, so this costs only a write() per commit.
    /// </summary>
    public bool SynchronousCommit { get; init; }

    /// <summary>How long to wait for the server to accept connections at each start.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
