namespace OpenVerify.Server.Storage;

/// <summary>
/// Counts of what the server asked of its database since start: read connections, units of work
/// and commits (on SQLite one commit carries every unit queued at that moment). The write path is
/// measured with these (docs/benchmarks.md: reads and writes per verification flow).
/// </summary>
public sealed class StorageActivity
{
    private long reads;
    private long units;
    private long commits;

    /// <summary>Read connections taken.</summary>
    public long Reads => Interlocked.Read(ref reads);

    /// <summary>Units of work run (committed, discarded or failed).</summary>
    public long Units => Interlocked.Read(ref units);

    /// <summary>Transactions committed.</summary>
    public long Commits => Interlocked.Read(ref commits);

    internal void CountRead() => Interlocked.Increment(ref reads);

    internal void CountUnit() => Interlocked.Increment(ref units);

    internal void CountCommit() => Interlocked.Increment(ref commits);
}
