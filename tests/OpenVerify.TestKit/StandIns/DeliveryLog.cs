using System.Collections.Concurrent;
using System.Diagnostics;

namespace OpenVerify.TestKit.StandIns;

/// <summary>
/// One request a stand-in received: the message id it carries (a push's challenge SID, a webhook's
/// event uuid), when it arrived (<see cref="Stopwatch.GetTimestamp"/>), the status the stand-in
/// answered with, and its fields and headers.
/// </summary>
public sealed record Delivery(string Id, long ReceivedAt, int Status, IReadOnlyDictionary<string, string> Fields, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>Answered with 2xx: the message reached its receiver.</summary>
    public bool Accepted => Status is >= 200 and < 300;

    /// <summary>A field, or null.</summary>
    public string? Field(string name) => Fields.TryGetValue(name, out var value) ? value : null;
}

/// <summary>What a stand-in received, in arrival order; tests wait on it (bounded) instead of sleeping.</summary>
public sealed class DeliveryLog
{
    private readonly ConcurrentQueue<Delivery> received = new();
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Everything received so far, oldest first.</summary>
    public IReadOnlyList<Delivery> All => [.. received];

    /// <summary>The accepted (2xx) deliveries by message id.</summary>
    public ILookup<string, Delivery> AcceptedById() => received.Where(d => d.Accepted).ToLookup(d => d.Id);

    /// <summary>How many times message <paramref name="id"/> was accepted.</summary>
    public int AcceptedCount(string id) => received.Count(d => d.Accepted && d.Id == id);

    internal void Add(Delivery delivery)
    {
        received.Enqueue(delivery);
        Interlocked.Exchange(ref changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, re-checking on every arrival, at most
    /// <paramref name="timeout"/>; then throws <see cref="TimeoutException"/> with <paramref name="describe"/>'s text.
    /// </summary>
    public async Task WaitUntilAsync(Func<DeliveryLog, bool> condition, TimeSpan timeout, Func<string>? describe = null)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var next = Volatile.Read(ref changed).Task;
            if (condition(this))
            {
                return;
            }

            try
            {
                await next.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Not received within {timeout.TotalSeconds} s ({received.Count} requests so far). {describe?.Invoke()}");
            }
        }
    }
}
