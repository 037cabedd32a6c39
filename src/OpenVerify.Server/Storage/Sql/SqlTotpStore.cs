using Dapper;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Factors.Totp;
using OpenVerify.Server.Live;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlTotpStore(IDatabase db, IOutbox outbox, FactorRows recent, ChallengeFeed feed) : ITotpStore
{
    private const string Key = "sid = @sid AND service_sid = @serviceSid AND identity = @identity";
    private const string Unlocked = "(totp_locked_until IS NULL OR totp_locked_until <= @Now)";

    // The step is spent only if it is later than every step spent before: of two requests with one
    // code (on any instances) the second finds the row changed and matches nothing.
    private const string Accept =
        "UPDATE factors SET totp_last_step = @MatchedStep, totp_failures = 0, totp_locked_until = NULL" +
        " WHERE sid = @FactorSid AND factor_type = 'totp' AND " + Unlocked + " AND (totp_last_step IS NULL OR totp_last_step < @MatchedStep)";

    // A failure counts unless the factor is locked; the one that reaches the limit locks it and
    // starts the count again for after the lock.
    private const string Fail =
        "UPDATE factors SET totp_failures = CASE WHEN totp_failures + 1 >= @MaxFailures THEN 0 ELSE totp_failures + 1 END," +
        " totp_locked_until = CASE WHEN totp_failures + 1 >= @MaxFailures THEN @Now + @LockSeconds ELSE NULL END" +
        " WHERE sid = @FactorSid AND factor_type = 'totp' AND " + Unlocked + " RETURNING " + SqlFactorStore.Columns;

    public Task<(TotpResult Result, Factor? Factor)> UpdateFactorAsync(
        string serviceSid, string identity, string sid, TotpAttempt? attempt, TotpFactorChange change, long now,
        Func<Factor, IEnumerable<OutboxMessage>> whenVerified, Func<Factor, IEnumerable<OutboxMessage>> whenLocked, CancellationToken cancellationToken) =>
        db.WriteAsync<(TotpResult, Factor?)>(async w =>
        {
            var key = new { sid, serviceSid, identity, now };
            var result = attempt is null ? new TotpResult(TotpVerdict.Accepted) : await RecordAsync(w, attempt, whenLocked);
            var verified = false;
            if (result.Verdict == TotpVerdict.Accepted)
            {
                await w.Connection.ExecuteAsync(new CommandDefinition(
                    $"""
                    UPDATE factors SET friendly_name = COALESCE(@friendlyName, friendly_name), totp_alg = COALESCE(@alg, totp_alg),
                        totp_skew = COALESCE(@skew, totp_skew), totp_code_length = COALESCE(@codeLength, totp_code_length),
                        totp_time_step = COALESCE(@timeStep, totp_time_step), date_updated = @now
                    WHERE {Key} AND (friendly_name IS DISTINCT FROM COALESCE(@friendlyName, friendly_name) OR totp_alg IS DISTINCT FROM COALESCE(@alg, totp_alg)
                        OR totp_skew IS DISTINCT FROM COALESCE(@skew, totp_skew) OR totp_code_length IS DISTINCT FROM COALESCE(@codeLength, totp_code_length)
                        OR totp_time_step IS DISTINCT FROM COALESCE(@timeStep, totp_time_step))
                    """,
                    new
                    {
                        sid, serviceSid, identity, now, friendlyName = change.FriendlyName, alg = change.Config?.Alg, skew = change.Config?.Skew,
                        codeLength = change.Config?.CodeLength, timeStep = change.Config?.TimeStep,
                    }, w.Transaction, cancellationToken: w.CancellationToken));
                verified = attempt is not null && await w.Connection.ExecuteAsync(new CommandDefinition(
                    $"UPDATE factors SET status = 'verified', date_updated = @now WHERE {Key} AND status = 'unverified'",
                    key, w.Transaction, cancellationToken: w.CancellationToken)) == 1;
            }

            var factor = await w.Connection.QuerySingleOrDefaultAsync<Factor>(new CommandDefinition(
                $"SELECT {SqlFactorStore.Columns} FROM factors WHERE {Key}", key, w.Transaction, cancellationToken: w.CancellationToken));
            if (factor is null || result.Verdict == TotpVerdict.Gone)
            {
                w.Discard();
                return (new TotpResult(TotpVerdict.Gone), null);
            }

            if (verified)
            {
                await outbox.AddAsync(w, whenVerified(factor));
            }

            w.OnCommitted(() => recent.Forget(factor.Sid, factor.CredentialSid));
            return (result, factor);
        }, cancellationToken);

    public Task<TotpResult> AddAnsweredChallengeAsync(
        Challenge challenge, TotpAttempt attempt, Func<Challenge, IEnumerable<OutboxMessage>> answered,
        Func<Factor, IEnumerable<OutboxMessage>> whenLocked, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            var result = await RecordAsync(w, attempt, whenLocked);
            if (result.Verdict is TotpVerdict.Locked or TotpVerdict.Gone)
            {
                return result;
            }

            challenge.Status = result.Verdict == TotpVerdict.Accepted ? ChallengeStatuses.Approved : ChallengeStatuses.Denied;
            challenge.DateResponded = attempt.Now;
            if (!await SqlChallengeStore.InsertAsync(w, challenge))
            {
                w.Discard();
                return new TotpResult(TotpVerdict.Gone);
            }

            await outbox.AddAsync(w, answered(challenge));
            return result;
        }, cancellationToken);

    public Task<TotpResult> ApproveChallengeAsync(
        Challenge challenge, string? metadata, TotpAttempt attempt, Func<Challenge, IEnumerable<OutboxMessage>> approved,
        Func<Factor, IEnumerable<OutboxMessage>> whenLocked, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            var result = await RecordAsync(w, attempt, whenLocked);
            if (result.Verdict != TotpVerdict.Accepted)
            {
                return result;
            }

            var rows = await w.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE challenges SET status = 'approved', responded_reason = 'none', metadata = @metadata, date_responded = @now, date_updated = @now WHERE sid = @sid AND status = 'pending' AND expiration_date > @now",
                new { sid = challenge.Sid, metadata, now = attempt.Now }, w.Transaction, cancellationToken: w.CancellationToken));
            if (rows != 1)
            {
                // Answered or expired meanwhile: the code is not spent on it.
                w.Discard();
                return new TotpResult(TotpVerdict.Gone);
            }

            await SqlChallengeChanges.StampAsync(w, feed, challenge.FactorSid, challenge.Sid);
            await outbox.AddAsync(w, approved(challenge));
            return result;
        }, cancellationToken);

    /// <summary>The bookkeeping of one code, in the unit <paramref name="w"/>.</summary>
    private async Task<TotpResult> RecordAsync(WriteScope w, TotpAttempt attempt, Func<Factor, IEnumerable<OutboxMessage>> whenLocked)
    {
        if (attempt.MatchedStep is not null
            && await w.Connection.ExecuteAsync(new CommandDefinition(Accept, attempt, w.Transaction, cancellationToken: w.CancellationToken)) == 1)
        {
            return new TotpResult(TotpVerdict.Accepted);
        }

        var failed = await w.Connection.QuerySingleOrDefaultAsync<Factor>(new CommandDefinition(Fail, attempt, w.Transaction, cancellationToken: w.CancellationToken));
        if (failed is not null)
        {
            if (failed.TotpLockedUntil is not { } until)
            {
                return new TotpResult(TotpVerdict.Refused);
            }

            await outbox.AddAsync(w, whenLocked(failed));
            return new TotpResult(TotpVerdict.Refused, until);
        }

        var lockedUntil = await w.Connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT totp_locked_until FROM factors WHERE sid = @FactorSid AND factor_type = 'totp'", attempt, w.Transaction, cancellationToken: w.CancellationToken));
        return lockedUntil is null ? new TotpResult(TotpVerdict.Gone) : new TotpResult(TotpVerdict.Locked, lockedUntil);
    }
}
