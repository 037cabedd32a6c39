using Dapper;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Live;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlFactorStore(IDatabase db, IOutbox outbox, FactorRows recent, ChallengeFeed feed) : IFactorStore
{
    internal const string Columns = "id, sid, account_sid AS AccountSid, service_sid AS ServiceSid, entity_sid AS EntitySid, identity, friendly_name AS FriendlyName, factor_type AS FactorType, status, credential_sid AS CredentialSid, public_key AS PublicKey, binding_alg AS BindingAlg, sdk_version AS SdkVersion, app_id AS AppId, notification_platform AS NotificationPlatform, notification_token AS NotificationToken, metadata, date_created AS DateCreated, date_updated AS DateUpdated, " + TotpColumns;

    // Issue #15: the TOTP secret (sealed), config and bookkeeping; null on push factors.
    internal const string TotpColumns = "totp_secret AS TotpSecret, totp_alg AS TotpAlg, totp_time_step AS TotpTimeStep, totp_code_length AS TotpCodeLength, totp_skew AS TotpSkew, totp_last_step AS TotpLastStep, totp_failures AS TotpFailures, totp_locked_until AS TotpLockedUntil";
    private const string Key = "sid = @sid AND service_sid = @serviceSid AND identity = @identity";

    public Task<FactorAddResult> AddAsync(Factor factor, int maxFactorsPerEntity, string? accessTokenSid, long now, Func<Factor, IEnumerable<OutboxMessage>> consequences, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            var c = w.Connection;
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO entities (sid, account_sid, service_sid, identity, date_created, date_updated) VALUES (@entitySid, @AccountSid, @ServiceSid, @Identity, @now, @now) ON CONFLICT (service_sid, identity) DO NOTHING",
                new { entitySid = Sid.New(SidPrefix.Entity), factor.AccountSid, factor.ServiceSid, factor.Identity, now }, w.Transaction, cancellationToken: w.CancellationToken));

            // Note: this no-op update takes the entity's row lock (PostgreSQL) or the write lock (SQLite),
            // so the count below cannot race another creation for the same entity.
            factor.EntitySid = await c.ExecuteScalarAsync<string>(new CommandDefinition(
                "UPDATE entities SET id = id WHERE service_sid = @ServiceSid AND identity = @Identity RETURNING sid",
                new { factor.ServiceSid, factor.Identity }, w.Transaction, cancellationToken: w.CancellationToken)) ?? throw new InvalidOperationException("entity vanished");

            var count = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM factors WHERE entity_sid = @EntitySid AND factor_type = @FactorType", new { factor.EntitySid, factor.FactorType }, w.Transaction, cancellationToken: w.CancellationToken));
            if (count >= maxFactorsPerEntity)
            {
                w.Discard();
                return FactorAddResult.TooManyFactors;
            }

            if (accessTokenSid is not null)
            {
                var spent = await c.ExecuteAsync(new CommandDefinition(
                    "UPDATE access_tokens SET consumed_at = @now WHERE sid = @accessTokenSid AND consumed_at IS NULL AND expires_at > @now",
                    new { accessTokenSid, now }, w.Transaction, cancellationToken: w.CancellationToken));
                if (spent != 1)
                {
                    w.Discard();
                    return FactorAddResult.AccessTokenSpent;
                }
            }

            factor.Id = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO factors (sid, account_sid, service_sid, entity_sid, identity, friendly_name, factor_type, status, credential_sid, public_key, binding_alg, sdk_version, app_id, notification_platform, notification_token, metadata, date_created, date_updated,
                    totp_secret, totp_alg, totp_time_step, totp_code_length, totp_skew)
                VALUES (@Sid, @AccountSid, @ServiceSid, @EntitySid, @Identity, @FriendlyName, @FactorType, @Status, @CredentialSid, @PublicKey, @BindingAlg, @SdkVersion, @AppId, @NotificationPlatform, @NotificationToken, @Metadata, @DateCreated, @DateUpdated,
                    @TotpSecret, @TotpAlg, @TotpTimeStep, @TotpCodeLength, @TotpSkew)
                RETURNING id
                """, factor, w.Transaction, cancellationToken: w.CancellationToken));
            await outbox.AddAsync(w, consequences(factor));
            return FactorAddResult.Added;
        }, cancellationToken);

    public async Task<Factor?> FindAsync(string serviceSid, string identity, string sid, CancellationToken cancellationToken)
    {
        if (recent.BySid(sid) is { } kept)
        {
            return kept.ServiceSid == serviceSid && kept.Identity == identity ? kept : null;
        }

        var version = recent.Version;
        await using var c = await db.OpenReadAsync(cancellationToken);
        var factor = await c.QuerySingleOrDefaultAsync<Factor>(new CommandDefinition(
            $"SELECT {Columns} FROM factors WHERE {Key}", new { sid, serviceSid, identity }, cancellationToken: cancellationToken));
        recent.Keep(factor, version);
        return factor;
    }

    public async Task<Factor?> FindByCredentialAsync(string credentialSid, CancellationToken cancellationToken)
    {
        if (recent.ByCredential(credentialSid) is { } kept)
        {
            return kept;
        }

        var version = recent.Version;
        await using var c = await db.OpenReadAsync(cancellationToken);
        var factor = await c.QuerySingleOrDefaultAsync<Factor>(new CommandDefinition(
            $"SELECT {Columns} FROM factors WHERE credential_sid = @credentialSid", new { credentialSid }, cancellationToken: cancellationToken));
        recent.Keep(factor, version);
        return factor;
    }

    public async Task<IReadOnlyList<Factor>> ListAsync(string serviceSid, string identity, PageQuery page, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await c.QueryAsync<Factor>(new CommandDefinition(ListSql(page), ListParameters(serviceSid, identity, page), cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// The list query: one entity's factors, served by <c>ix_factors_list (service_sid, identity, id)</c>
    /// in list order (migration 0010; ListIndexTests checks the plan on both providers).
    /// </summary>
    internal static string ListSql(PageQuery page)
    {
        var (where, order) = page.Sql();
        return $"SELECT {Columns} FROM factors WHERE service_sid = @serviceSid AND identity = @identity AND {where} ORDER BY id {order} LIMIT @limit OFFSET @offset";
    }

    /// <summary>The parameters of <see cref="ListSql"/>.</summary>
    internal static object ListParameters(string serviceSid, string identity, PageQuery page) =>
        new { serviceSid, identity, cursor = page.CursorId, limit = page.Limit, offset = page.SkipRows };

    public Task<FactorUpdate> TryUpdateAsync(string serviceSid, string identity, string sid, FactorChange change, long now, Func<Factor, IEnumerable<OutboxMessage>> whenVerified, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            var key = new { sid, serviceSid, identity, now };
            var fields = new List<string>(4);
            if (change.FriendlyName is not null)
            {
                fields.Add("friendly_name");
            }

            if (change.SdkVersion is not null)
            {
                fields.Add("sdk_version");
            }

            if (change.AppId is not null)
            {
                fields.Add("app_id");
            }

            if (change.Push is not null)
            {
                fields.Add("notification_platform");
                fields.Add("notification_token");
            }

            if (fields.Count > 0)
            {
                // Only the named columns, and date_updated only when one of them really changes.
                var set = string.Join(", ", fields.Select(f => $"{f} = @{f}"));
                var differs = string.Join(" OR ", fields.Select(f => $"{f} IS DISTINCT FROM @{f}"));
                await w.Connection.ExecuteAsync(new CommandDefinition(
                    $"UPDATE factors SET {set}, date_updated = @now WHERE {Key} AND ({differs})",
                    new
                    {
                        sid, serviceSid, identity, now,
                        friendly_name = change.FriendlyName, sdk_version = change.SdkVersion, app_id = change.AppId,
                        notification_platform = change.Push?.Platform, notification_token = change.Push?.Token,
                    }, w.Transaction, cancellationToken: w.CancellationToken));
            }

            var verified = change.Verify && await w.Connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE factors SET status = 'verified', date_updated = @now WHERE {Key} AND status = 'unverified'",
                key, w.Transaction, cancellationToken: w.CancellationToken)) == 1;
            var factor = await w.Connection.QuerySingleOrDefaultAsync<Factor>(new CommandDefinition(
                $"SELECT {Columns} FROM factors WHERE {Key}", key, w.Transaction, cancellationToken: w.CancellationToken));
            if (factor is null)
            {
                w.Discard();
                return new FactorUpdate(null, false);
            }

            if (verified)
            {
                await outbox.AddAsync(w, whenVerified(factor));
            }

            w.OnCommitted(() => recent.Forget(factor.Sid, factor.CredentialSid));
            return new FactorUpdate(factor, verified);
        }, cancellationToken);

    public Task<Factor?> TryDeleteAsync(string serviceSid, string identity, string sid, Func<Factor, IEnumerable<OutboxMessage>> consequences, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            var deleted = await w.Connection.QuerySingleOrDefaultAsync<Factor>(new CommandDefinition(
                $"DELETE FROM factors WHERE {Key} RETURNING {Columns}",
                new { sid, serviceSid, identity }, w.Transaction, cancellationToken: w.CancellationToken));
            if (deleted is not null)
            {
                await outbox.AddAsync(w, consequences(deleted));
                // The factor's event streams (on any instance) end once they see it gone.
                await feed.AnnounceAsync(w, deleted.Sid);
                w.OnCommitted(() => recent.Forget(deleted.Sid, deleted.CredentialSid));
            }

            return deleted;
        }, cancellationToken);

    public Task<IReadOnlyList<Factor>> DeleteUnverifiedAsync(long createdBefore, int max, Func<Factor, IEnumerable<OutboxMessage>> consequences, CancellationToken cancellationToken) =>
        db.WriteAsync<IReadOnlyList<Factor>>(async w =>
        {
            // Oldest first and skipping rows another instance holds, so sweeps on several instances
            // never wait on each other, let alone deadlock.
            var rows = await w.Connection.QueryAsync<Factor>(new CommandDefinition(
                $"""
                DELETE FROM factors WHERE id IN (
                    SELECT id FROM factors WHERE status = 'unverified' AND date_created < @createdBefore ORDER BY id LIMIT @max {db.SkipLockedClause})
                  AND status = 'unverified'
                RETURNING {Columns}
                """,
                new { createdBefore, max }, w.Transaction, cancellationToken: w.CancellationToken));
            // RETURNING has no defined order; events go out in creation order.
            var removed = rows.OrderBy(f => f.Id).ToList();
            await outbox.AddAsync(w, removed.SelectMany(consequences));
            return removed;
        }, cancellationToken);
}
