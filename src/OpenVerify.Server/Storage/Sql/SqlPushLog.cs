using System.Text.Json;
using Dapper;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Delivery.Push;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlPushLog(IDatabase db) : IPushLog
{
    public async Task<IReadOnlyList<PushAttempt>> ListAsync(int limit, string? challengeSid, string? factorSid, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        // The challenge SID lives in the payload; a SID has no LIKE wildcards, so matching the text is exact enough.
        var rows = await c.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT a.id, a.outbox_id AS OutboxId, a.attempt, a.at, a.outcome, a.detail, o.state, o.payload
            FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id
            WHERE o.kind = @kind AND (@factorSid IS NULL OR o.subject = @factorSid)
              AND (@challengeSid IS NULL OR o.payload LIKE @challengePattern)
            ORDER BY a.id DESC LIMIT @limit
            """,
            new { kind = OutboxKinds.Push, factorSid, challengeSid, challengePattern = "%\"" + challengeSid + "\"%", limit }, cancellationToken: cancellationToken));
        return rows.Select(ToAttempt).ToList();
    }

    public async Task<IReadOnlyList<PushAttempt>> ListForServiceAsync(string serviceSid, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        // Note: the service is only in the payload (pushes are keyed by factor, and a deleted factor's pushes
        // must still show); the walk goes newest attempt first and stops at the page, so it reads at most
        // the attempts since the page's start, never the whole table's history unless the service has none.
        var rows = await c.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT a.id, a.outbox_id AS OutboxId, a.attempt, a.at, a.outcome, a.detail, o.state, o.payload
            FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id
            WHERE o.kind = @kind AND o.payload LIKE @servicePattern AND (@beforeId IS NULL OR a.id < @beforeId)
            ORDER BY a.id DESC LIMIT @limit
            """,
            new { kind = OutboxKinds.Push, servicePattern = "%\"service_sid\":\"" + serviceSid + "\"%", beforeId, limit }, cancellationToken: cancellationToken));
        return rows.Select(ToAttempt).ToList();
    }

    private static PushAttempt ToAttempt(Row r)
    {
        var job = JsonSerializer.Deserialize<PushJob>(r.Payload, VerifyJson.Options);
        return new PushAttempt(r.OutboxId, (int)r.Attempt, DateTimeOffset.FromUnixTimeMilliseconds(r.At), r.Outcome, r.Detail, r.State,
            job?.Platform ?? "", job?.ChallengeSid ?? "", job?.FactorSid ?? "", job?.NotificationSid, r.Id);
    }

    private sealed class Row
    {
        public long Id { get; set; }
        public long OutboxId { get; set; }
        public long Attempt { get; set; }
        public long At { get; set; }
        public string Outcome { get; set; } = "";
        public string? Detail { get; set; }
        public string State { get; set; } = "";
        public string Payload { get; set; } = "";
    }
}
