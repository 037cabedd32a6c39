using Dapper;
using OpenVerify.Server.Delivery;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlOutbox(IDatabase db, OutboxSignal signal) : IOutbox
{
    private const string Insert =
        "INSERT INTO outbox (kind, subject, partition_key, payload, state, attempts, created_at, due_at, expires_at, last_error, completed_at, trace_parent)";

    // Note: an event nobody subscribed to would be claimed, read and settled for nothing, on the
    // hot path of every approval (issue #11). A webhook created later sees later events only.
    private const string InsertEvent =
        Insert + " SELECT @Kind, @Subject, @PartitionKey, @Payload, 'pending', 0, @createdAt, @dueAt, @expiresAt, NULL, NULL, @traceParent" +
        " WHERE EXISTS (SELECT 1 FROM webhooks WHERE service_sid = @Subject AND status = 'enabled')";

    private const string InsertPending =
        Insert + " VALUES (@Kind, @Subject, @PartitionKey, @Payload, 'pending', 0, @createdAt, @dueAt, @expiresAt, NULL, NULL, @traceParent)";

    private const string InsertNotSent =
        Insert + " VALUES (@Kind, @Subject, @PartitionKey, @Payload, 'skipped', 0, @createdAt, @dueAt, @expiresAt, @NotSent, @createdAt, NULL) RETURNING id";

    public async Task AddAsync(WriteScope scope, IEnumerable<OutboxMessage> messages)
    {
        var added = false;
        foreach (var m in messages)
        {
            var now = signal.Clock.GetUtcNow();
            var args = new
            {
                m.Kind, m.Subject, m.PartitionKey, m.Payload, m.NotSent,
                createdAt = now.ToUnixTimeMilliseconds(),
                dueAt = (m.DueAt ?? now).ToUnixTimeMilliseconds(),
                expiresAt = m.ExpiresAt?.ToUnixTimeMilliseconds(),
                traceParent = scope.TraceParent,
            };
            if (m.NotSent is not null)
            {
                var id = await scope.Connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertNotSent, args, scope.Transaction, cancellationToken: scope.CancellationToken));
                await scope.Connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO outbox_attempts (outbox_id, attempt, at, outcome, detail) VALUES (@id, 0, @at, 'not-sent', @detail)",
                    new { id, at = args.createdAt, detail = m.NotSent }, scope.Transaction, cancellationToken: scope.CancellationToken));
                continue;
            }

            var sql = m.Kind == OutboxKinds.Event ? InsertEvent : InsertPending;
            added |= await scope.Connection.ExecuteAsync(new CommandDefinition(sql, args, scope.Transaction, cancellationToken: scope.CancellationToken)) == 1;
        }

        if (added)
        {
            // The worker wakes once the unit commits; a wake-up before the commit only finds nothing yet.
            scope.OnCommitted(signal.Notify);
        }
    }

    public Task<IReadOnlyList<ClaimedMessage>> ClaimAsync(IReadOnlyCollection<string> kinds, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken) =>
        db.WriteAsync<IReadOnlyList<ClaimedMessage>>(async w =>
        {
            var rows = await w.Connection.QueryAsync<ClaimedMessage>(new CommandDefinition(
                $"""
                UPDATE outbox SET lease_owner = @owner, lease_until = @leaseUntil, attempts = attempts + 1
                WHERE id IN (
                    SELECT o.id FROM outbox o
                    WHERE o.state = 'pending' AND {db.AnyOf("o.kind", "kinds")} AND o.due_at <= @now AND (o.lease_until IS NULL OR o.lease_until < @now)
                      AND (o.partition_key IS NULL OR NOT EXISTS (
                          SELECT 1 FROM outbox p WHERE p.partition_key = o.partition_key AND p.state = 'pending' AND p.id < o.id))
                    ORDER BY o.id LIMIT @max {db.SkipLockedClause})
                RETURNING id, kind, subject, partition_key AS PartitionKey, payload, attempts, created_at AS CreatedAt, expires_at AS ExpiresAt, trace_parent AS TraceParent
                """,
                new { owner, leaseUntil = leaseUntil.ToUnixTimeMilliseconds(), now = now.ToUnixTimeMilliseconds(), kinds = kinds.ToArray(), max }, w.Transaction, cancellationToken: w.CancellationToken));
            return rows.OrderBy(r => r.Id).ToList();
        }, cancellationToken);

    public Task SettleAsync(ClaimedMessage message, string owner, OutboxOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
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
                }, w.Transaction, cancellationToken: w.CancellationToken));
            if (settled == 0)
            {
                // The lease ran out and another worker owns the message now; its outcome counts.
                return;
            }

            await w.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO outbox_attempts (outbox_id, attempt, at, outcome, detail) VALUES (@Id, @Attempts, @nowMs, @outcomeName, @detail)",
                new { message.Id, message.Attempts, nowMs, outcomeName, detail = outcome.Detail }, w.Transaction, cancellationToken: w.CancellationToken));
            if (outcome is OutboxOutcome.Delivered { FollowUps.Count: > 0 } delivered)
            {
                await AddAsync(w, delivered.FollowUps);
            }
        }, cancellationToken);

    public Task<bool> ReviveAsync(long id, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            var rows = await w.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE outbox SET state = 'pending', due_at = @now, expires_at = NULL, completed_at = NULL WHERE id = @id AND state = 'dead'",
                new { id, now = now.ToUnixTimeMilliseconds() }, w.Transaction, cancellationToken: w.CancellationToken));
            if (rows == 1)
            {
                w.OnCommitted(signal.Notify);
            }

            return rows == 1;
        }, cancellationToken);

    public Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            var args = new { before = before.ToUnixTimeMilliseconds() };
            await w.Connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM outbox_attempts WHERE outbox_id IN (SELECT id FROM outbox WHERE state IN ('done', 'skipped') AND completed_at < @before)", args, w.Transaction, cancellationToken: w.CancellationToken));
            return await w.Connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM outbox WHERE state IN ('done', 'skipped') AND completed_at < @before", args, w.Transaction, cancellationToken: w.CancellationToken));
        }, cancellationToken);
}
