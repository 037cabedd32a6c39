using Dapper;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Factors;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlFactorStore(IDatabase db, IOutbox outbox) : IFactorStore
{
    private const string Columns = "id, sid, account_sid, service_sid, entity_sid, identity, friendly_name, factor_type, status, credential_sid, public_key, binding_alg, sdk_version, app_id, notification_platform, notification_token, metadata, date_created, date_updated";

    public async Task<FactorAddResult> AddAsync(Factor factor, int maxFactorsPerEntity, string? accessTokenSid, long now, Func<Factor, IEnumerable<OutboxMessage>> consequences, CancellationToken cancellationToken)
    {
        await using var w = await db.BeginWriteAsync(cancellationToken);
        var c = w.Connection;
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO entities (sid, account_sid, service_sid, identity, date_created, date_updated) VALUES (@entitySid, @AccountSid, @ServiceSid, @Identity, @now, @now) ON CONFLICT (service_sid, identity) DO NOTHING",
            new { entitySid = Sid.New(SidPrefix.Entity), factor.AccountSid, factor.ServiceSid, factor.Identity, now }, w.Transaction, cancellationToken: cancellationToken));

        // Note: this no-op update takes the entity's row lock (PostgreSQL) or the write lock (SQLite),
        // so the count below cannot race another creation for the same entity.
        factor.EntitySid = await c.ExecuteScalarAsync<string>(new CommandDefinition(
            "UPDATE entities SET id = id WHERE service_sid = @ServiceSid AND identity = @Identity RETURNING sid",
            factor, w.Transaction, cancellationToken: cancellationToken)) ?? throw new InvalidOperationException("entity vanished");

        var count = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM factors WHERE entity_sid = @EntitySid AND factor_type = @FactorType", factor, w.Transaction, cancellationToken: cancellationToken));
        if (count >= maxFactorsPerEntity)
        {
            return FactorAddResult.TooManyFactors;
        }

        if (accessTokenSid is not null)
        {
            var spent = await c.ExecuteAsync(new CommandDefinition(
                "UPDATE access_tokens SET consumed_at = @now WHERE sid = @accessTokenSid AND consumed_at IS NULL AND expires_at > @now",
                new { accessTokenSid, now }, w.Transaction, cancellationToken: cancellationToken));
            if (spent != 1)
            {
                return FactorAddResult.AccessTokenSpent;
            }
        }

        factor.Id = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO factors (sid, account_sid, service_sid, entity_sid, identity, friendly_name, factor_type, status, credential_sid, public_key, binding_alg, sdk_version, app_id, notification_platform, notification_token, metadata, date_created, date_updated)
            VALUES (@Sid, @AccountSid, @ServiceSid, @EntitySid, @Identity, @FriendlyName, @FactorType, @Status, @CredentialSid, @PublicKey, @BindingAlg, @SdkVersion, @AppId, @NotificationPlatform, @NotificationToken, @Metadata, @DateCreated, @DateUpdated)
            RETURNING id
            """, factor, w.Transaction, cancellationToken: cancellationToken));
        await outbox.AddAsync(w, consequences(factor), cancellationToken);
        await w.CommitAsync(cancellationToken);
        return FactorAddResult.Added;
    }

    public async Task<Factor?> FindAsync(string serviceSid, string identity, string sid, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await c.QuerySingleOrDefaultAsync<Factor>(new CommandDefinition(
            $"SELECT {Columns} FROM factors WHERE sid = @sid AND service_sid = @serviceSid AND identity = @identity",
            new { sid, serviceSid, identity }, cancellationToken: cancellationToken));
    }

    public async Task<Factor?> FindByCredentialAsync(string credentialSid, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await c.QuerySingleOrDefaultAsync<Factor>(new CommandDefinition(
            $"SELECT {Columns} FROM factors WHERE credential_sid = @credentialSid", new { credentialSid }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Factor>> ListAsync(string serviceSid, string identity, PageQuery page, CancellationToken cancellationToken)
    {
        var (where, order) = page.Sql();
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await c.QueryAsync<Factor>(new CommandDefinition(
            $"SELECT {Columns} FROM factors WHERE service_sid = @serviceSid AND identity = @identity AND {where} ORDER BY id {order} LIMIT @limit OFFSET @offset",
            new { serviceSid, identity, cursor = page.CursorId, limit = page.Limit, offset = page.SkipRows }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task UpdateAsync(Factor factor, IEnumerable<OutboxMessage> consequences, CancellationToken cancellationToken)
    {
        await using var w = await db.BeginWriteAsync(cancellationToken);
        await w.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE factors SET friendly_name = @FriendlyName, sdk_version = @SdkVersion, app_id = @AppId, notification_platform = @NotificationPlatform, notification_token = @NotificationToken, status = @Status, date_updated = @DateUpdated WHERE sid = @Sid",
            factor, w.Transaction, cancellationToken: cancellationToken));
        await outbox.AddAsync(w, consequences, cancellationToken);
        await w.CommitAsync(cancellationToken);
    }

    public async Task<bool> DeleteAsync(string serviceSid, string identity, string sid, IEnumerable<OutboxMessage> consequences, CancellationToken cancellationToken)
    {
        await using var w = await db.BeginWriteAsync(cancellationToken);
        var deleted = await w.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM factors WHERE sid = @sid AND service_sid = @serviceSid AND identity = @identity",
            new { sid, serviceSid, identity }, w.Transaction, cancellationToken: cancellationToken));
        if (deleted == 1)
        {
            await outbox.AddAsync(w, consequences, cancellationToken);
        }

        await w.CommitAsync(cancellationToken);
        return deleted == 1;
    }

    public async Task<IReadOnlyList<Factor>> DeleteUnverifiedAsync(long createdBefore, Func<Factor, IEnumerable<OutboxMessage>> consequences, CancellationToken cancellationToken)
    {
        await using var w = await db.BeginWriteAsync(cancellationToken);
        var rows = await w.Connection.QueryAsync<Factor>(new CommandDefinition(
            $"DELETE FROM factors WHERE status = 'unverified' AND date_created < @createdBefore RETURNING {Columns}",
            new { createdBefore }, w.Transaction, cancellationToken: cancellationToken));
        // RETURNING has no defined order; events go out in creation order.
        var removed = rows.OrderBy(f => f.Id).ToList();
        await outbox.AddAsync(w, removed.SelectMany(consequences), cancellationToken);
        await w.CommitAsync(cancellationToken);
        return removed;
    }
}
