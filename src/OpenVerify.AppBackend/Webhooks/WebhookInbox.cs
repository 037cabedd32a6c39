namespace OpenVerify.AppBackend.Webhooks;

/// <summary>
/// The webhooks this backend accepted, in arrival order, each once: deliveries are at-least-once, so a
/// retry with a <c>uuid</c> already seen is acknowledged and dropped. Kept in memory (the last
/// <see cref="Capacity"/>); a real backend records what it needs in its database.
/// </summary>
public sealed class WebhookInbox
{
    /// <summary>How many webhooks (and uuids, for de-duplication) are kept; older ones are forgotten.</summary>
    public const int Capacity = 1000;

    private readonly object gate = new();
    private readonly List<ReceivedWebhook> received = [];
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private TaskCompletionSource changed = NewSignal();
    private int rejected;

    /// <summary>Every accepted webhook so far.</summary>
    public IReadOnlyList<ReceivedWebhook> All
    {
        get
        {
            lock (gate)
            {
                return received.ToList();
            }
        }
    }

    /// <summary>How many requests were refused for a missing or wrong signature.</summary>
    public int Rejected => Volatile.Read(ref rejected);

    /// <summary>Records a webhook; false when its <c>uuid</c> was seen before (a retry).</summary>
    public bool Add(ReceivedWebhook webhook)
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            if (webhook.Uuid.Length > 0 && !seen.Add(webhook.Uuid))
            {
                return false;
            }

            received.Add(webhook);
            if (received.Count > Capacity)
            {
                seen.Remove(received[0].Uuid);
                received.RemoveAt(0);
            }

            signal = changed;
            changed = NewSignal();
        }

        signal.TrySetResult();
        return true;
    }

    /// <summary>Counts a refused request.</summary>
    public void CountRejected() => Interlocked.Increment(ref rejected);

    /// <summary>The first accepted webhook that matches, waiting for it up to <paramref name="timeout"/>; null if none came.</summary>
    public async Task<ReceivedWebhook?> WaitForAsync(Func<ReceivedWebhook, bool> match, TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, clock);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        while (true)
        {
            Task next;
            lock (gate)
            {
                var found = received.FirstOrDefault(match);
                if (found is not null)
                {
                    return found;
                }

                next = changed.Task;
            }

            try
            {
                await next.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
