using Dapper;
using OpenVerify.Server.Delivery;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlDeliveryLog(IDatabase db) : IDeliveryLog
{
    public async Task<IReadOnlyList<DeliveryRecord>> ForChallengeAsync(ChallengeTrail trail, int max, int maxAttempts, CancellationToken cancellationToken)
    {
        // Note: every branch is an index lookup (ix_outbox_subject for the factor's pushes, ix_outbox_partition
        // for the entity's events and deliveries), so the scan is bounded by this entity's own messages; the
        // payload match then keeps the ones about this challenge (a SID has no LIKE wildcards).
        var partitions = trail.WebhookSids.Select(w => $"webhook:{w}:{trail.EntitySid}").Append("event:" + trail.EntitySid).ToArray();
        await using var c = await db.OpenReadAsync(cancellationToken);
        var messages = (await c.QueryAsync<MessageRow>(new CommandDefinition(
            $"""
            SELECT id, kind, subject, state, attempts, last_error AS LastError, created_at AS CreatedAt, completed_at AS CompletedAt, payload FROM outbox
            WHERE ((kind = @push AND subject = @factorSid) OR {db.AnyOf("partition_key", "partitions")}) AND payload LIKE @pattern
            ORDER BY id LIMIT @max
            """,
            new { push = OutboxKinds.Push, factorSid = trail.FactorSid, partitions, pattern = "%\"" + trail.ChallengeSid + "\"%", max },
            cancellationToken: cancellationToken))).AsList();
        if (messages.Count == 0)
        {
            return [];
        }

        var ids = messages.Select(m => m.Id).ToArray();
        var attempts = (await c.QueryAsync<AttemptRow>(new CommandDefinition(
            $"SELECT outbox_id AS OutboxId, attempt, at, outcome, detail FROM outbox_attempts WHERE {db.AnyOf("outbox_id", "ids")} ORDER BY id LIMIT @limit",
            new { ids, limit = maxAttempts * ids.Length }, cancellationToken: cancellationToken))).Select(a => a.ToAttempt()).ToLookup(a => a.MessageId);
        return messages.Select(m => new DeliveryRecord(m.Id, m.Kind, m.Subject, m.State, (int)m.Attempts, m.LastError, m.CreatedAt, m.CompletedAt, m.Payload,
            attempts[m.Id].Take(maxAttempts).ToList())).ToList();
    }

    public async Task<IReadOnlyList<DeliveryAttempt>> AttemptsAsync(long messageId, int max, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await c.QueryAsync<AttemptRow>(new CommandDefinition(
            "SELECT outbox_id AS OutboxId, attempt, at, outcome, detail FROM outbox_attempts WHERE outbox_id = @messageId ORDER BY id LIMIT @max",
            new { messageId, max }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToAttempt()).ToList();
    }

    private sealed class MessageRow
    {
        public long Id { get; set; }
        public string Kind { get; set; } = "";
        public string? Subject { get; set; }
        public string State { get; set; } = "";
        public long Attempts { get; set; }
        public string? LastError { get; set; }
        public long CreatedAt { get; set; }
        public long? CompletedAt { get; set; }
        public string Payload { get; set; } = "";
    }

    private sealed class AttemptRow
    {
        public long OutboxId { get; set; }
        public long Attempt { get; set; }
        public long At { get; set; }
        public string Outcome { get; set; } = "";
        public string? Detail { get; set; }

        public DeliveryAttempt ToAttempt() => new(OutboxId, (int)Attempt, At, Outcome, Detail);
    }
}
