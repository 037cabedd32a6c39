namespace OpenVerify.Server.Delivery;

/// <summary>
/// Wakes the outbox worker when a message was committed, so a push leaves within milliseconds
/// rather than at the next poll. Polling remains the fallback (other instances' messages, retries).
/// </summary>
public sealed class OutboxSignal(TimeProvider clock)
{
    private readonly SemaphoreSlim wake = new(0, 1);

    /// <summary>The clock outbox times come from.</summary>
    public TimeProvider Clock { get; } = clock;

    /// <summary>Signals new work (coalesced).</summary>
    public void Notify()
    {
        if (wake.CurrentCount == 0)
        {
            try
            {
                wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    /// <summary>Waits for a signal or the timeout; true when signalled.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => wake.WaitAsync(timeout, cancellationToken);
}
