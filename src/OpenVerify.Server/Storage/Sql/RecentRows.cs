using System.Collections.Concurrent;

namespace OpenVerify.Server.Storage.Sql;

/// <summary>
/// Rows read in the last <c>reuseFor</c>, reused instead of read again. Note: every request reads
/// its account, service and (devices) factor before it does anything, several times per
/// verification flow; these rows almost never change (issue #11). This instance's own writes
/// drop the rows they touch at once; a change made by another instance on the same database, or by
/// the CLI, is seen within <c>reuseFor</c>. A read that raced a write is not kept (the version check),
/// so this instance never keeps a row older than its own last write.
/// </summary>
internal sealed class RecentRows<T>(TimeSpan reuseFor, TimeProvider clock, int capacity = 10_000) where T : class
{
    private readonly ConcurrentDictionary<string, (T Row, long At)> rows = new(StringComparer.Ordinal);
    private long version;

    /// <summary>Taken before a read; <see cref="Keep"/> only keeps what was read after the last change.</summary>
    public long Version => Interlocked.Read(ref version);

    /// <summary>The row under <paramref name="key"/>, if it was read recently.</summary>
    public bool TryGet(string key, out T row)
    {
        if (rows.TryGetValue(key, out var hit) && clock.GetElapsedTime(hit.At) < reuseFor)
        {
            row = hit.Row;
            return true;
        }

        row = null!;
        return false;
    }

    /// <summary>Keeps <paramref name="row"/> unless something changed since <paramref name="readVersion"/>.</summary>
    public void Keep(string key, T row, long readVersion)
    {
        if (rows.Count >= capacity)
        {
            rows.Clear();
        }

        rows[key] = (row, clock.GetTimestamp());
        if (Version != readVersion)
        {
            rows.TryRemove(key, out _);
        }
    }

    /// <summary>Drops one row after this instance changed it.</summary>
    public void Forget(string key)
    {
        Interlocked.Increment(ref version);
        rows.TryRemove(key, out _);
    }

    /// <summary>Drops every row (after a bulk change).</summary>
    public void ForgetAll()
    {
        Interlocked.Increment(ref version);
        rows.Clear();
    }
}
