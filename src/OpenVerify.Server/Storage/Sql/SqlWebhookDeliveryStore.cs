using Dapper;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Webhooks;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlWebhookDeliveryStore(IDatabase db) : IWebhookDeliveryStore
{
    private const string Columns =
        "id, subject, payload, state, attempts, last_error AS LastError, created_at AS CreatedAt, due_at AS DueAt, completed_at AS CompletedAt, (SELECT MAX(a.at) FROM outbox_attempts a WHERE a.outbox_id = outbox.id) AS LastAttemptAt";

    public async Task<IReadOnlyList<WebhookDelivery>> ListAsync(string webhookSid, string? state, PageQuery page, CancellationToken cancellationToken)
    {
        var (where, order) = page.Sql();
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await c.QueryAsync<WebhookDelivery>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM outbox
            WHERE kind = @kind AND subject = @webhookSid {(state is null ? "" : "AND state = @state")} AND {where}
            ORDER BY id {order} LIMIT @limit OFFSET @offset
            """,
            new { kind = OutboxKinds.Webhook, webhookSid, state, cursor = page.CursorId, limit = page.Limit, offset = page.SkipRows }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<WebhookDelivery?> FindAsync(string webhookSid, long id, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await c.QuerySingleOrDefaultAsync<WebhookDelivery>(new CommandDefinition(
            $"SELECT {Columns} FROM outbox WHERE id = @id AND kind = @kind AND subject = @webhookSid",
            new { id, kind = OutboxKinds.Webhook, webhookSid }, cancellationToken: cancellationToken));
    }
}
