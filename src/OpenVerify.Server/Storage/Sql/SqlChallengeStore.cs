using Dapper;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Live;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlChallengeStore(IDatabase db, IOutbox outbox, ChallengeFeed feed) : IChallengeStore
{
    internal const string Columns = "id, sid, account_sid AS AccountSid, service_sid AS ServiceSid, entity_sid AS EntitySid, identity, factor_sid AS FactorSid, factor_type AS FactorType, status, responded_reason AS RespondedReason, message, fields, include_date AS IncludeDate, hidden_details AS HiddenDetails, metadata, date_created AS DateCreated, date_updated AS DateUpdated, date_responded AS DateResponded, expiration_date AS ExpirationDate, number_match AS NumberMatch, number_choices AS NumberChoices, denial_reason AS DenialReason";

    public Task<bool> TryAddAsync(Challenge challenge, IEnumerable<OutboxMessage> consequences, CancellationToken cancellationToken) =>
        db.WriteAsync(w => InsertAsync(w, challenge, consequences), cancellationToken);

    public Task<ChallengeAdmission> TryAddLimitedAsync(Challenge challenge, IEnumerable<OutboxMessage> consequences, PushLimits limits, long now, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            if (db.RunsUnitsConcurrently && (limits.PendingLimit > 0 || limits.CooldownDenials > 0))
            {
                // Note: a no-op update takes the factor's row lock on PostgreSQL, so two instances cannot
                // both count four pending and add a fifth and sixth; SQLite's single writer already orders them.
                await w.Connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE factors SET id = id WHERE sid = @FactorSid", new { challenge.FactorSid }, w.Transaction, cancellationToken: w.CancellationToken));
            }

            if (limits.CooldownDenials > 0)
            {
                var denials = await DenialsAsync(w, challenge.FactorSid, now - limits.LookbackSeconds);
                if (PushFatigue.CooldownUntil(denials, limits) is { } until && until > now)
                {
                    return new ChallengeAdmission(AdmissionOutcome.CoolingDown, until - now);
                }
            }

            if (limits.PendingLimit > 0)
            {
                var pending = await w.Connection.QuerySingleAsync<(long Count, long? FirstExpiry)>(new CommandDefinition(
                    "SELECT COUNT(*), MIN(expiration_date) FROM challenges WHERE factor_sid = @FactorSid AND status = 'pending' AND expiration_date > @now",
                    new { challenge.FactorSid, now }, w.Transaction, cancellationToken: w.CancellationToken));
                if (pending.Count >= limits.PendingLimit)
                {
                    // A slot frees when the first pending challenge expires (or sooner, when one is answered).
                    return new ChallengeAdmission(AdmissionOutcome.TooManyPending, Math.Max(1, (pending.FirstExpiry ?? now) - now));
                }
            }

            return await InsertAsync(w, challenge, consequences) ? new ChallengeAdmission(AdmissionOutcome.Added) : new ChallengeAdmission(AdmissionOutcome.FactorGone);
        }, cancellationToken);

    private async Task<bool> InsertAsync(WriteScope w, Challenge challenge, IEnumerable<OutboxMessage> consequences)
    {
        if (!await InsertAsync(w, challenge))
        {
            return false;
        }

        await SqlChallengeChanges.StampAsync(w, feed, challenge.FactorSid, challenge.Sid);
        await outbox.AddAsync(w, consequences);
        return true;
    }

    /// <summary>
    /// Inserts the challenge in the unit <paramref name="w"/> if its factor still exists and is
    /// verified, filling in its id; false (nothing written) otherwise. Shared with <see cref="SqlTotpStore"/>.
    /// </summary>
    internal static async Task<bool> InsertAsync(WriteScope w, Challenge challenge)
    {
        // The factor's existence is checked in the same statement: a factor deleted since the
        // caller read it (on this instance or another) gets no challenge and no push.
        var id = await w.Connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            INSERT INTO challenges (sid, account_sid, service_sid, entity_sid, identity, factor_sid, factor_type, status, responded_reason, message, fields, include_date, hidden_details, metadata, date_created, date_updated, date_responded, expiration_date, number_match, number_choices)
            SELECT @Sid, @AccountSid, @ServiceSid, @EntitySid, @Identity, @FactorSid, @FactorType, @Status, @RespondedReason, @Message, @Fields, @IncludeDateValue, @HiddenDetails, @Metadata, @DateCreated, @DateUpdated, @DateResponded, @ExpirationDate, @NumberMatch, @NumberChoices
            WHERE EXISTS (SELECT 1 FROM factors WHERE sid = @FactorSid AND status = 'verified')
            RETURNING id
            """,
            new
            {
                challenge.Sid, challenge.AccountSid, challenge.ServiceSid, challenge.EntitySid, challenge.Identity, challenge.FactorSid, challenge.FactorType,
                challenge.Status, challenge.RespondedReason, challenge.Message, challenge.Fields, IncludeDateValue = challenge.IncludeDate ? 1 : 0,
                challenge.HiddenDetails, challenge.Metadata, challenge.DateCreated, challenge.DateUpdated, challenge.DateResponded, challenge.ExpirationDate,
                challenge.NumberMatch, challenge.NumberChoices,
            }, w.Transaction, cancellationToken: w.CancellationToken));
        if (id is null)
        {
            return false;
        }

        challenge.Id = id.Value;
        return true;
    }

    private static async Task<IReadOnlyList<long>> DenialsAsync(WriteScope w, string factorSid, long since)
    {
        var times = await w.Connection.QueryAsync<long>(new CommandDefinition(
            "SELECT date_responded FROM challenges WHERE factor_sid = @factorSid AND status = 'denied' AND date_responded > @since ORDER BY date_responded, id",
            new { factorSid, since }, w.Transaction, cancellationToken: w.CancellationToken));
        return times.AsList();
    }

    public async Task<Challenge?> FindAsync(string serviceSid, string identity, string sid, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await c.QuerySingleOrDefaultAsync<Challenge>(new CommandDefinition(
            $"SELECT {Columns} FROM challenges WHERE sid = @sid AND service_sid = @serviceSid AND identity = @identity",
            new { sid, serviceSid, identity }, cancellationToken: cancellationToken));
    }

    public async Task<Challenge?> FindInServiceAsync(string serviceSid, string sid, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await c.QuerySingleOrDefaultAsync<Challenge>(new CommandDefinition(
            $"SELECT {Columns} FROM challenges WHERE sid = @sid AND service_sid = @serviceSid",
            new { sid, serviceSid }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyDictionary<string, long>> LastAnsweredAsync(IReadOnlyCollection<string> factorSids, CancellationToken cancellationToken)
    {
        if (factorSids.Count == 0)
        {
            return new Dictionary<string, long>();
        }

        // Note: ix_challenges_factor_status (factor_sid, status, date_responded) answers this from the index.
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await c.QueryAsync<(string FactorSid, long At)>(new CommandDefinition(
            $"SELECT factor_sid, MAX(date_responded) FROM challenges WHERE {db.AnyOf("factor_sid", "factorSids")} AND date_responded IS NOT NULL GROUP BY factor_sid",
            new { factorSids = factorSids.ToArray() }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.FactorSid, r => r.At, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<Challenge>> ListAsync(string serviceSid, string identity, string? factorSid, string? status, long now, PageQuery page, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await c.QueryAsync<Challenge>(new CommandDefinition(
            ListSql(factorSid, status, page), ListParameters(serviceSid, identity, factorSid, status, now, page), cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// The list query: one entity's challenges, served by <c>ix_challenges_list (service_sid, identity, id)</c>
    /// in list order (migration 0010; ListIndexTests checks the plan on both providers).
    /// </summary>
    internal static string ListSql(string? factorSid, string? status, PageQuery page)
    {
        var (where, order) = page.Sql();
        var statusFilter = status switch
        {
            null => "",
            // Note: "+ 0" keeps expiration_date out of index selection. Without statistics SQLite takes a
            // range on ix_challenges_pending (status, expiration_date) as the better bound and reads every
            // pending challenge of every tenant, then sorts; the entity's own rows are the bound wanted.
            ChallengeStatuses.Pending => " AND status = 'pending' AND expiration_date + 0 > @now",
            ChallengeStatuses.Expired => " AND (status = 'expired' OR (status = 'pending' AND expiration_date <= @now))",
            _ => " AND status = @status",
        };
        var factorFilter = factorSid is null ? "" : " AND factor_sid = @factorSid";
        return $"SELECT {Columns} FROM challenges WHERE service_sid = @serviceSid AND identity = @identity{factorFilter}{statusFilter} AND {where} ORDER BY id {order} LIMIT @limit OFFSET @offset";
    }

    /// <summary>The parameters of <see cref="ListSql"/>.</summary>
    internal static object ListParameters(string serviceSid, string identity, string? factorSid, string? status, long now, PageQuery page) =>
        new { serviceSid, identity, factorSid, status, now, cursor = page.CursorId, limit = page.Limit, offset = page.SkipRows };

    public Task<bool> TryRespondAsync(string sid, string status, string? metadata, long now, IEnumerable<OutboxMessage> consequences, CancellationToken cancellationToken) =>
        TryAnswerAsync(new ChallengeAnswer(sid, "", status, metadata, null, now), consequences, null, 0, cancellationToken);

    public Task<bool> TryAnswerAsync(ChallengeAnswer answer, IEnumerable<OutboxMessage> consequences,
        Func<IReadOnlyList<long>, IEnumerable<OutboxMessage>>? afterDenial, long lookback, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            var factorSid = await w.Connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                "UPDATE challenges SET status = @Status, responded_reason = 'none', metadata = @Metadata, denial_reason = @DenialReason, date_responded = @Now, date_updated = @Now WHERE sid = @Sid AND status = 'pending' AND expiration_date > @Now RETURNING factor_sid",
                answer, w.Transaction, cancellationToken: w.CancellationToken));
            if (factorSid is null)
            {
                return false;
            }

            await SqlChallengeChanges.StampAsync(w, feed, factorSid, answer.Sid);
            await outbox.AddAsync(w, consequences);
            if (afterDenial is not null && answer.Status == ChallengeStatuses.Denied)
            {
                await outbox.AddAsync(w, afterDenial(await DenialsAsync(w, factorSid, answer.Now - lookback)));
            }

            return true;
        }, cancellationToken);

    public async Task<FatigueCounters> CountFatigueAsync(string serviceSid, long now, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await c.QuerySingleAsync<FatigueCounters>(new CommandDefinition(
            """
            SELECT
              COUNT(CASE WHEN status = 'pending' AND expiration_date > @now THEN 1 END) AS Pending,
              COUNT(CASE WHEN status = 'approved' THEN 1 END) AS Approved,
              COUNT(CASE WHEN status = 'denied' THEN 1 END) AS Denied,
              COUNT(CASE WHEN denial_reason = 'wrong_number' THEN 1 END) AS WrongNumber,
              COUNT(CASE WHEN denial_reason = 'reported' THEN 1 END) AS Reported
            FROM challenges WHERE service_sid = @serviceSid
            """,
            new { serviceSid, now }, cancellationToken: cancellationToken));
    }

    public Task<IReadOnlyList<Challenge>> ExpireAsync(long now, int max, Func<Challenge, IEnumerable<OutboxMessage>> consequences, CancellationToken cancellationToken) =>
        db.WriteAsync<IReadOnlyList<Challenge>>(async w =>
        {
            // Oldest first and skipping rows another instance holds (an answer being written, or
            // another sweep), so sweeps never wait on each other, let alone deadlock.
            var rows = await w.Connection.QueryAsync<Challenge>(new CommandDefinition(
                $"""
                UPDATE challenges SET status = 'expired', date_updated = expiration_date
                WHERE id IN (
                    SELECT id FROM challenges WHERE status = 'pending' AND expiration_date <= @now ORDER BY id LIMIT @max {db.SkipLockedClause})
                  AND status = 'pending'
                RETURNING {Columns}
                """,
                new { now, max }, w.Transaction, cancellationToken: w.CancellationToken));
            // RETURNING has no defined order; events go out in creation order.
            var expired = rows.OrderBy(c => c.Id).ToList();
            // Factor rows are locked in one order, so two instances' sweeps cannot deadlock on them.
            foreach (var challenge in expired.OrderBy(c => c.FactorSid, StringComparer.Ordinal).ThenBy(c => c.Id))
            {
                await SqlChallengeChanges.StampAsync(w, feed, challenge.FactorSid, challenge.Sid);
            }

            await outbox.AddAsync(w, expired.SelectMany(consequences));
            return expired;
        }, cancellationToken);
}
