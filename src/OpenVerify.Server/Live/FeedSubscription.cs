namespace OpenVerify.Server.Live;

/// <summary>
/// One listener on a factor's challenge changes: a stream or a backend wait. A change sets it; the
/// next <see cref="WaitAsync"/> consumes that. It carries no data: the holder reads what changed
/// from the database, after its own cursor, so a wake-up that arrives twice or late loses nothing.
/// </summary>
public sealed class FeedSubscription : IDisposable
{
    private readonly Lock gate = new();
    private readonly Action<FeedSubscription> release;
    private TaskCompletionSource? waiter;
    private bool signalled;
    private bool disposed;

    internal FeedSubscription(string factorSid, bool isStream, Action<FeedSubscription> release)
    {
        FactorSid = factorSid;
        IsStream = isStream;
        this.release = release;
    }

    /// <summary>The factor whose challenges this listens to.</summary>
    public string FactorSid { get; }

    /// <summary>A device stream (counted against the stream limits) rather than a backend wait.</summary>
    public bool IsStream { get; }

    /// <summary>Completes at the next change after the last call (at once if one came meanwhile).</summary>
    public Task WaitAsync()
    {
        lock (gate)
        {
            if (signalled)
            {
                signalled = false;
                return Task.CompletedTask;
            }

            // The holder's continuation must not run on the thread that announces (a commit).
            waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return waiter.Task;
        }
    }

    internal void Signal()
    {
        TaskCompletionSource? woken;
        lock (gate)
        {
            woken = waiter;
            waiter = null;
            signalled = woken is null;
        }

        woken?.TrySetResult();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
        }

        release(this);
    }
}
