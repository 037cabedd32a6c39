using Dapper;
using OpenVerify.Server.Delivery;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlOutbox(IDatabase db, OutboxSignal signal) : IOutbox
{
    public async Task AddAsync(WriteScope scope, IEnumerable<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var added = false;
        foreach (var m in messages)
        {
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO outbox (kind, subject, partition_key, payload, state, attempts, created_at, due_at, expires_at)
                VALUES (@Kind, @Subject, @PartitionKey, @Payload, 'pending', 0, @createdAt, @dueAt, @expiresAt)
                """,
                new
                {
                    m.Kind, m.Subject, m.PartitionKey, m.Payload,
                    createdAt = signal.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
                    dueAt = (m.DueAt ?? signal.Clock.GetUtcNow()).ToUnixTimeMilliseconds(),
                    expiresAt = m.ExpiresAt?.ToUnixTimeMilliseconds(),
                }, scope.Transaction, cancellationToken: cancellationToken));
            added = true;
        }

        if (added)
        {
            // The worker wakes once the caller commits; a wake-up before the commit only finds nothing yet.
            scope.OnCommitted(signal.Notify);
        }
    }

    public async Task<IReadOnlyList<ClaimedMessage>> ClaimAsync(IReadOnlyCollection<string> kinds, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken)
    {
        await using var w = await db.BeginWriteAsync(cancellationToken);
        var rows = await w.Connection.QueryAsync<ClaimedMessage>(new CommandDefinition(
            $"""
            UPDATE outbox SET lease_owner = @owner, lease_until = @leaseUntil, attempts = attempts + 1
            WHERE id IN (
                SELECT o.id FROM outbox o
                WHERE o.state = 'pending' AND {db.AnyOf("o.kind", "kinds")} AND o.due_at <= @now AND (o.lease_until IS NULL OR o.lease_until < @now)
                  AND (o.partition_key IS NULL OR NOT EXISTS (
                      SELECT 1 FROM outbox p WHERE p.partition_key = o.partition_key AND p.state = 'pending' AND p.id < o.id))
                ORDER BY o.id LIMIT @max {db.SkipLockedClause})
            RETURNING id, kind, subject, partition_key, payload, attempts, created_at, expires_at
            """,
            new { owner, leaseUntil = leaseUntil.ToUnixTimeMilliseconds(), now = now.ToUnixTimeMilliseconds(), kinds = kinds.ToArray(), max }, w.Transaction, cancellationToken: cancellationToken));
        await w.CommitAsync(cancellationToken);
        return rows.OrderBy(r => r.Id).ToList();
    }

    public async Task SettleAsync(ClaimedMessage message, string owner, OutboxOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var w = await db.BeginWriteAsync(cancellationToken);
        var nowMs = now.ToUnixTimeMilliseconds();
        var (state, dueAt, outcomeName) = outcome switch
        {
            OutboxOutcome.Delivered => ("done", (long?)null, "delivered"),
            OutboxOutcome.Retry retry => ("pending", (long?)(now + retry.Delay).ToUnixTimeMilliseconds(), "retry"),
            _ => ("dead", (long?)null, "dead"),
        };
        var settled = await w.Connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE outbox SET state = @state, due_at = COALESCE(@dueAt, due_at), lease_owner = NULL, lease_until = NULL,
                last_error = @error, completed_at = @completedAt
            WHERE id = @Id AND lease_owner = @owner
            """,
            new
            {
                state, dueAt, message.Id, owner,
                error = outcome is OutboxOutcome.Delivered ? null : outcome.Detail,
                completedAt = state == "pending" ? (long?)null : nowMs,
            }, w.Transaction, cancellationToken: cancellationToken));
        if (settled == 0)
        {
            // The lease ran out and another worker owns the message now; its outcome counts.
            return;
        }

        await w.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO outbox_attempts (outbox_id, attempt, at, outcome, detail) VALUES (@Id, @Attempts, @nowMs, @outcomeName, @detail)",
            new { message.Id, message.Attempts, nowMs, outcomeName, detail = outcome.Detail }, w.Transaction, cancellationToken: cancellationToken));
        if (outcome is OutboxOutcome.Delivered { FollowUps.Count: > 0 } delivered)
        {
            await AddAsync(w, delivered.FollowUps, cancellationToken);
        }

        await w.CommitAsync(cancellationToken);
    }

    public async Task<bool> ReviveAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var w = await db.BeginWriteAsync(cancellationToken);
        var rows = await w.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE outbox SET state = 'pending', due_at = @now, expires_at = NULL, completed_at = NULL WHERE id = @id AND state = 'dead'",
            new { id, now = now.ToUnixTimeMilliseconds() }, w.Transaction, cancellationToken: cancellationToken));
        if (rows == 1)
        {
            w.OnCommitted(signal.Notify);
        }

        await w.CommitAsync(cancellationToken);
        return rows == 1;
    }

    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var w = await db.BeginWriteAsync(cancellationToken);
        var args = new { before = before.ToUnixTimeMilliseconds() };
        await w.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM outbox_attempts WHERE outbox_id IN (SELECT id FROM outbox WHERE state = 'done' AND completed_at < @before)", args, w.Transaction, cancellationToken: cancellationToken));
        var rows = await w.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM outbox WHERE state = 'done' AND completed_at < @before", args, w.Transaction, cancellationToken: cancellationToken));
        await w.CommitAsync(cancellationToken);
        return rows;
    }
}
