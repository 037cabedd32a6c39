using Dapper;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlServiceStore(IDatabase db, FactorRows recentFactors, TimeProvider clock) : IServiceStore
{
    // Every request under /Services/{sid} reads its service first; see RecentRows for the staleness bound.
    private readonly RecentRows<Service> recent = new(TimeSpan.FromSeconds(1), clock);

    private const string Columns = "id, sid, account_sid AS AccountSid, friendly_name AS FriendlyName, settings AS SettingsJson, date_created AS DateCreated, date_updated AS DateUpdated";

    public Task AddAsync(Service service, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            service.Id = await w.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO services (sid, account_sid, friendly_name, settings, date_created, date_updated) VALUES (@Sid, @AccountSid, @FriendlyName, @SettingsJson, @DateCreated, @DateUpdated) RETURNING id",
                service, w.Transaction, cancellationToken: w.CancellationToken));
        }, cancellationToken);

    public async Task<Service?> FindAsync(string accountSid, string sid, CancellationToken cancellationToken)
    {
        if (recent.TryGet(sid, out var kept))
        {
            return kept.AccountSid == accountSid ? kept.Copy() : null;
        }

        var version = recent.Version;
        await using var c = await db.OpenReadAsync(cancellationToken);
        var service = await c.QuerySingleOrDefaultAsync<Service>(new CommandDefinition(
            $"SELECT {Columns} FROM services WHERE sid = @sid AND account_sid = @accountSid", new { sid, accountSid }, cancellationToken: cancellationToken));
        if (service is not null)
        {
            recent.Keep(sid, service.Copy(), version);
        }

        return service;
    }

    public async Task<IReadOnlyList<Service>> ListAsync(string accountSid, PageQuery page, CancellationToken cancellationToken)
    {
        var (where, order) = page.Sql();
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await c.QueryAsync<Service>(new CommandDefinition(
            $"SELECT {Columns} FROM services WHERE account_sid = @accountSid AND {where} ORDER BY id {order} LIMIT @limit OFFSET @offset",
            new { accountSid, cursor = page.CursorId, limit = page.Limit, offset = page.SkipRows }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public Task UpdateAsync(Service service, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            await w.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE services SET friendly_name = @FriendlyName, settings = @SettingsJson, date_updated = @DateUpdated WHERE sid = @Sid AND account_sid = @AccountSid",
                service, w.Transaction, cancellationToken: w.CancellationToken));
            w.OnCommitted(() => recent.Forget(service.Sid));
        }, cancellationToken);

    public Task<bool> DeleteAsync(string accountSid, string sid, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            var args = new { sid, accountSid };
            var deleted = await w.Connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM services WHERE sid = @sid AND account_sid = @accountSid", args, w.Transaction, cancellationToken: w.CancellationToken));
            if (deleted == 1)
            {
                // Everything under the service goes with it, in the same transaction.
                foreach (var table in (string[])["entities", "factors", "challenges", "notifications", "webhooks", "access_tokens"])
                {
                    await w.Connection.ExecuteAsync(new CommandDefinition(
                        $"DELETE FROM {table} WHERE service_sid = @sid", args, w.Transaction, cancellationToken: w.CancellationToken));
                }

                w.OnCommitted(() =>
                {
                    recent.Forget(sid);
                    recentFactors.ForgetAll();
                });
            }

            return deleted == 1;
        }, cancellationToken);
}
