using Dapper;
using OpenVerify.Server.Webhooks;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlWebhookStore(IDatabase db) : IWebhookStore
{
    private const string Columns = "id, sid, account_sid AS AccountSid, service_sid AS ServiceSid, friendly_name AS FriendlyName, event_types AS EventTypesJson, webhook_url AS WebhookUrl, status, version, webhook_method AS WebhookMethod, secret, date_created AS DateCreated, date_updated AS DateUpdated";

    public Task AddAsync(Webhook webhook, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            webhook.Id = await w.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO webhooks (sid, account_sid, service_sid, friendly_name, event_types, webhook_url, status, version, webhook_method, secret, date_created, date_updated) VALUES (@Sid, @AccountSid, @ServiceSid, @FriendlyName, @EventTypesJson, @WebhookUrl, @Status, @Version, @WebhookMethod, @Secret, @DateCreated, @DateUpdated) RETURNING id",
                webhook, w.Transaction, cancellationToken: w.CancellationToken));
        }, cancellationToken);

    public async Task<Webhook?> FindAsync(string serviceSid, string sid, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await c.QuerySingleOrDefaultAsync<Webhook>(new CommandDefinition(
            $"SELECT {Columns} FROM webhooks WHERE sid = @sid AND service_sid = @serviceSid", new { sid, serviceSid }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Webhook>> ListAsync(string serviceSid, PageQuery page, CancellationToken cancellationToken)
    {
        var (where, order) = page.Sql();
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await c.QueryAsync<Webhook>(new CommandDefinition(
            $"SELECT {Columns} FROM webhooks WHERE service_sid = @serviceSid AND {where} ORDER BY id {order} LIMIT @limit OFFSET @offset",
            new { serviceSid, cursor = page.CursorId, limit = page.Limit, offset = page.SkipRows }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<Webhook>> ListEnabledAsync(string serviceSid, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await c.QueryAsync<Webhook>(new CommandDefinition(
            $"SELECT {Columns} FROM webhooks WHERE service_sid = @serviceSid AND status = 'enabled' ORDER BY id", new { serviceSid }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public Task UpdateAsync(Webhook webhook, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            await w.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE webhooks SET friendly_name = @FriendlyName, event_types = @EventTypesJson, webhook_url = @WebhookUrl, status = @Status, version = @Version, date_updated = @DateUpdated WHERE sid = @Sid AND service_sid = @ServiceSid",
                webhook, w.Transaction, cancellationToken: w.CancellationToken));
        }, cancellationToken);

    public Task<bool> DeleteAsync(string serviceSid, string sid, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            var rows = await w.Connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM webhooks WHERE sid = @sid AND service_sid = @serviceSid", new { sid, serviceSid }, w.Transaction, cancellationToken: w.CancellationToken));
            return rows == 1;
        }, cancellationToken);
}
