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

    /// <summary>
    /// Waits for the next change since the last call (true at once if one came meanwhile), or until
    /// <paramref name="until"/> on <paramref name="clock"/> (false). Holds no thread while waiting.
    /// </summary>
    public async Task<bool> WaitAsync(DateTimeOffset until, TimeProvider clock, CancellationToken cancellationToken)
    {
        Task change;
        lock (gate)
        {
            if (signalled)
            {
                signalled = false;
                return true;
            }

            // The holder's continuation must not run on the thread that announces (a commit).
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            change = waiter.Task;
        }

        using (var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var timeout = until - clock.GetUtcNow();
            var delay = Task.Delay(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero, clock, timer.Token);
            // Note: the clock is read again once the timer exists. Had it moved past the deadline between
            // the two reads (a jump of the clock, as a test's fake clock makes), the new timer would wait
            // the whole timeout anew from the later time; a timer made before the move fires on it.
            if (clock.GetUtcNow() < until)
            {
                await Task.WhenAny(change, delay);
            }

            await timer.CancelAsync();
        }

        lock (gate)
        {
            // From now on a change is remembered for the next call, not lost on this finished wait.
            if (waiter?.Task == change)
            {
                waiter = null;
            }
        }

        if (change.IsCompleted)
        {
            return true;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return false;
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
