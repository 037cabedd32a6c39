using Dapper;
using OpenVerify.Server.Entities;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlEntityStore(IDatabase db, FactorRows recentFactors) : IEntityStore
{
    internal const string Columns = "id, sid, account_sid AS AccountSid, service_sid AS ServiceSid, identity, date_created AS DateCreated, date_updated AS DateUpdated";

    public Task<bool> TryAddAsync(Entity entity, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            var id = await w.Connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "INSERT INTO entities (sid, account_sid, service_sid, identity, date_created, date_updated) VALUES (@Sid, @AccountSid, @ServiceSid, @Identity, @DateCreated, @DateUpdated) ON CONFLICT (service_sid, identity) DO NOTHING RETURNING id",
                entity, w.Transaction, cancellationToken: w.CancellationToken));
            entity.Id = id ?? 0;
            return id is not null;
        }, cancellationToken);

    public async Task<Entity?> FindAsync(string serviceSid, string identity, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await c.QuerySingleOrDefaultAsync<Entity>(new CommandDefinition(
            $"SELECT {Columns} FROM entities WHERE service_sid = @serviceSid AND identity = @identity", new { serviceSid, identity }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Entity>> ListAsync(string serviceSid, PageQuery page, CancellationToken cancellationToken)
    {
        var (where, order) = page.Sql();
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await c.QueryAsync<Entity>(new CommandDefinition(
            $"SELECT {Columns} FROM entities WHERE service_sid = @serviceSid AND {where} ORDER BY id {order} LIMIT @limit OFFSET @offset",
            new { serviceSid, cursor = page.CursorId, limit = page.Limit, offset = page.SkipRows }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public Task<bool> DeleteAsync(string serviceSid, string identity, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            var entitySid = await w.Connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                "DELETE FROM entities WHERE service_sid = @serviceSid AND identity = @identity RETURNING sid",
                new { serviceSid, identity }, w.Transaction, cancellationToken: w.CancellationToken));
            if (entitySid is not null)
            {
                foreach (var table in (string[])["factors", "challenges", "notifications"])
                {
                    await w.Connection.ExecuteAsync(new CommandDefinition(
                        $"DELETE FROM {table} WHERE entity_sid = @entitySid", new { entitySid }, w.Transaction, cancellationToken: w.CancellationToken));
                }

                w.OnCommitted(recentFactors.ForgetAll);
            }

            return entitySid is not null;
        }, cancellationToken);
}
