using System.Collections.Concurrent;
using Dapper;
using OpenVerify.Server.Delivery;

namespace OpenVerify.Server.Tests.Storage.Sql;

/// <summary>The outbox's claim, lease, settle and take-over, on SQLite and on PostgreSQL.</summary>
public sealed class SqlOutboxTests : StoreTestBase
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    private static readonly string[] Kinds = [OutboxKinds.Webhook, OutboxKinds.Push];

    private IOutbox Outbox => Get<IOutbox>();

    [Fact]
    public async Task A_claimed_message_is_leased_to_its_owner_until_settled()
    {
        await EnqueueAsync(new OutboxMessage(OutboxKinds.Push, "{\"n\":1}", Subject: "YC1"));

        var claimed = await ClaimAsync("a");
        var meanwhile = await ClaimAsync("b");

        var message = Assert.Single(claimed);
        Assert.Equal(OutboxKinds.Push, message.Kind);
        Assert.Equal("{\"n\":1}", message.Payload);
        Assert.Equal("YC1", message.Subject);
        Assert.Equal(1, message.Attempts);
        Assert.Equal(Clock.GetUtcNow().ToUnixTimeMilliseconds(), message.CreatedAt);
        Assert.Empty(meanwhile);

        await Outbox.SettleAsync(message, "a", OutboxOutcome.Done(), Clock.GetUtcNow(), Ct);

        Assert.Empty(await ClaimAsync("b"));
        Assert.Equal(("done", 1L), await StateAsync(message.Id));
    }

    [Fact]
    public async Task Only_the_kinds_asked_for_are_claimed()
    {
        await EnqueueAsync(new OutboxMessage(OutboxKinds.Push, "{}"), new OutboxMessage(OutboxKinds.Webhook, "{}"));

        var claimed = await Outbox.ClaimAsync([OutboxKinds.Webhook], "a", Clock.GetUtcNow(), Clock.GetUtcNow() + Lease, 10, Ct);

        Assert.Equal(OutboxKinds.Webhook, Assert.Single(claimed).Kind);
    }

    [Fact]
    public async Task A_dead_owners_message_is_taken_over_when_its_lease_expires()
    {
        await EnqueueAsync(new OutboxMessage(OutboxKinds.Push, "{}"));
        var first = Assert.Single(await ClaimAsync("dead-instance"));

        Clock.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Empty(await ClaimAsync("survivor"));
        Clock.Advance(TimeSpan.FromSeconds(2));
        var taken = Assert.Single(await ClaimAsync("survivor"));

        Assert.Equal(first.Id, taken.Id);
        Assert.Equal(2, taken.Attempts);

        // The old owner wakes up late: its outcome no longer counts.
        await Outbox.SettleAsync(first, "dead-instance", OutboxOutcome.Dead("late"), Clock.GetUtcNow(), Ct);
        Assert.Equal(("pending", 0L), await StateAsync(first.Id));

        await Outbox.SettleAsync(taken, "survivor", OutboxOutcome.Done(), Clock.GetUtcNow(), Ct);
        Assert.Equal(("done", 1L), await StateAsync(first.Id));
    }

    [Fact]
    public async Task A_retry_waits_for_its_delay()
    {
        await EnqueueAsync(new OutboxMessage(OutboxKinds.Push, "{}"));
        var first = Assert.Single(await ClaimAsync("a"));

        await Outbox.SettleAsync(first, "a", OutboxOutcome.RetryAfter(TimeSpan.FromSeconds(30), "503"), Clock.GetUtcNow(), Ct);

        Assert.Empty(await ClaimAsync("a"));
        Clock.Advance(TimeSpan.FromSeconds(31));
        var second = Assert.Single(await ClaimAsync("b"));
        Assert.Equal(2, second.Attempts);
        await using var c = await Database.OpenReadAsync(Ct);
        Assert.Equal("503", await c.ExecuteScalarAsync<string>("SELECT last_error FROM outbox WHERE id = @Id", second));
    }

    [Fact]
    public async Task A_partition_is_delivered_in_order_one_message_at_a_time()
    {
        await EnqueueAsync(
            new OutboxMessage(OutboxKinds.Webhook, "p1", PartitionKey: "event:YE1"),
            new OutboxMessage(OutboxKinds.Webhook, "p2", PartitionKey: "event:YE1"),
            new OutboxMessage(OutboxKinds.Webhook, "q1", PartitionKey: "event:YE2"),
            new OutboxMessage(OutboxKinds.Webhook, "free"));

        var batch = await ClaimAsync("a");
        Assert.Equal(["p1", "q1", "free"], batch.Select(m => m.Payload));

        // A retry of p1 keeps p2 waiting: order holds across failures.
        var p1 = batch[0];
        await Outbox.SettleAsync(p1, "a", OutboxOutcome.RetryAfter(TimeSpan.FromSeconds(5), "later"), Clock.GetUtcNow(), Ct);
        Assert.Empty(await ClaimAsync("b"));

        Clock.Advance(TimeSpan.FromSeconds(6));
        var retried = Assert.Single(await ClaimAsync("b"));
        Assert.Equal("p1", retried.Payload);
        await Outbox.SettleAsync(retried, "b", OutboxOutcome.Done(), Clock.GetUtcNow(), Ct);

        Assert.Equal(["p2"], (await ClaimAsync("c")).Select(m => m.Payload));
    }

    [Fact]
    public async Task A_dead_letter_stops_blocking_its_partition_and_can_be_revived()
    {
        await EnqueueAsync(new OutboxMessage(OutboxKinds.Webhook, "p1", PartitionKey: "k"), new OutboxMessage(OutboxKinds.Webhook, "p2", PartitionKey: "k"));
        var p1 = Assert.Single(await ClaimAsync("a"));

        await Outbox.SettleAsync(p1, "a", OutboxOutcome.Dead("410 Gone"), Clock.GetUtcNow(), Ct);

        var p2 = Assert.Single(await ClaimAsync("a"));
        Assert.Equal("p2", p2.Payload);
        await Outbox.SettleAsync(p2, "a", OutboxOutcome.Done(), Clock.GetUtcNow(), Ct);
        Assert.True(await Outbox.ReviveAsync(p1.Id, Clock.GetUtcNow(), Ct));
        Assert.False(await Outbox.ReviveAsync(p2.Id, Clock.GetUtcNow(), Ct));
        Assert.Equal("p1", Assert.Single(await ClaimAsync("a")).Payload);
    }

    [Fact]
    public async Task Follow_ups_are_enqueued_with_the_delivery()
    {
        await EnqueueAsync(new OutboxMessage(OutboxKinds.Webhook, "event"));
        var claimed = Assert.Single(await ClaimAsync("a"));

        await Outbox.SettleAsync(claimed, "a", OutboxOutcome.Done("fanned out", [new OutboxMessage(OutboxKinds.Webhook, "to-1"), new OutboxMessage(OutboxKinds.Webhook, "to-2")]), Clock.GetUtcNow(), Ct);

        var next = await Outbox.ClaimAsync([OutboxKinds.Webhook], "a", Clock.GetUtcNow(), Clock.GetUtcNow() + Lease, 10, Ct);
        Assert.Equal(["to-1", "to-2"], next.Select(m => m.Payload));
    }

    [Fact]
    public async Task Purge_removes_delivered_messages_past_retention_only()
    {
        await EnqueueAsync(new OutboxMessage(OutboxKinds.Push, "old"), new OutboxMessage(OutboxKinds.Push, "failed"));
        var batch = await ClaimAsync("a");
        await Outbox.SettleAsync(batch[0], "a", OutboxOutcome.Done(), Clock.GetUtcNow(), Ct);
        await Outbox.SettleAsync(batch[1], "a", OutboxOutcome.Dead("no"), Clock.GetUtcNow(), Ct);
        Clock.Advance(TimeSpan.FromDays(8));
        await EnqueueAsync(new OutboxMessage(OutboxKinds.Push, "new"));
        var fresh = Assert.Single(await ClaimAsync("a"));
        await Outbox.SettleAsync(fresh, "a", OutboxOutcome.Done(), Clock.GetUtcNow(), Ct);

        Assert.Equal(1, await Outbox.PurgeAsync(Clock.GetUtcNow() - TimeSpan.FromDays(7), Ct));

        await using var c = await Database.OpenReadAsync(Ct);
        Assert.Equal(["failed", "new"], await c.QueryAsync<string>("SELECT payload FROM outbox ORDER BY id"));
        Assert.Equal(2, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox_attempts"));
    }

    [Fact]
    public async Task Three_concurrent_workers_claim_every_message_exactly_once()
    {
        const int total = 300;
        await EnqueueAsync(Enumerable.Range(0, total).Select(i => new OutboxMessage(OutboxKinds.Push, i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray());
        var claims = new ConcurrentBag<(string Owner, long Id)>();

        await Task.WhenAll(new[] { "a", "b", "c" }.Select(owner => Task.Run(async () =>
        {
            while (true)
            {
                var now = Clock.GetUtcNow();
                var batch = await Outbox.ClaimAsync(Kinds, owner, now, now + Lease, 16, Ct);
                if (batch.Count == 0)
                {
                    return;
                }

                foreach (var message in batch)
                {
                    claims.Add((owner, message.Id));
                    await Outbox.SettleAsync(message, owner, OutboxOutcome.Done(), now, Ct);
                }
            }
        })));

        Assert.Equal(total, claims.Count);
        Assert.Equal(total, claims.Select(c => c.Id).Distinct().Count());
        await using var c = await Database.OpenReadAsync(Ct);
        Assert.Equal(total, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE state = 'done' AND attempts = 1"));
        Assert.Equal(total, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox_attempts"));
    }

    private Task EnqueueAsync(params OutboxMessage[] messages) =>
        Database.WriteAsync(w => Outbox.AddAsync(w, messages), Ct);

    private Task<IReadOnlyList<ClaimedMessage>> ClaimAsync(string owner) =>
        Outbox.ClaimAsync(Kinds, owner, Clock.GetUtcNow(), Clock.GetUtcNow() + Lease, 10, Ct);

    private async Task<(string State, long Attempts)> StateAsync(long id)
    {
        await using var c = await Database.OpenReadAsync(Ct);
        var state = await c.ExecuteScalarAsync<string>("SELECT state FROM outbox WHERE id = @id", new { id });
        var attempts = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox_attempts WHERE outbox_id = @id", new { id });
        return (state!, attempts);
    }
}
