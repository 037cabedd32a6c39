using System.Collections.Concurrent;
using OpenVerify.Server.Delivery;

namespace OpenVerify.Server.Tests.Storage.Fleet;

/// <summary>Every delivery any instance made, by outbox id.</summary>
internal sealed class DeliveryLog
{
    public ConcurrentQueue<(string Instance, long Id, string Kind, string Payload)> Deliveries { get; } = new();

    public IReadOnlyDictionary<long, int> CountsById() =>
        Deliveries.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Count());
}

/// <summary>An outbox handler that only records what it was given, after a short pause so claims overlap.</summary>
internal sealed class RecordingHandler(string kind, string instance, DeliveryLog log) : IOutboxHandler
{
    public string Kind { get; } = kind;

    public async Task<OutboxOutcome> HandleAsync(ClaimedMessage message, CancellationToken cancellationToken)
    {
        log.Deliveries.Enqueue((instance, message.Id, message.Kind, message.Payload));
        await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
        return OutboxOutcome.Done();
    }
}
