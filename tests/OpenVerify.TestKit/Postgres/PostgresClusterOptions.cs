namespace OpenVerify.TestKit.Postgres;

/// <summary>Settings for <see cref="PostgresCluster.StartAsync(PostgresClusterOptions, CancellationToken)"/>.</summary>
public sealed record PostgresClusterOptions
{
    /// <summary>
    /// The server's <c>synchronous_commit</c>. On by default: with it off, a commit acknowledged in
    /// the last few hundred milliseconds before an immediate (crash-like) stop is lost, and measured
    /// here it bought no speed, since fsync is off either way (a write() per commit is all it costs).
    /// </summary>
    public bool SynchronousCommit { get; init; } = true;

    /// <summary>How long to wait for the server to accept connections at each start.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
