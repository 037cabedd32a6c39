using Dapper;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Live;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlChallengeChanges(IDatabase db, IOutbox outbox, ChallengeFeed feed) : IChallengeChanges
{
    private const string Columns = SqlChallengeStore.Columns + ", change_seq AS ChangeSeq";

    /// <summary>
    /// Gives the challenge the next number of its factor's change sequence and announces the change,
    /// in the unit <paramref name="w"/>. Called by every unit that changes a challenge, after its row
    /// lock (challenge row first, then factor row, everywhere, so that units never deadlock). The
    /// factor row's lock, held to commit, makes one factor's numbers commit in order on PostgreSQL;
    /// SQLite's writer is one already. Nothing happens when the factor is gone.
    /// </summary>
    internal static async Task StampAsync(WriteScope w, ChallengeFeed feed, string factorSid, string challengeSid)
    {
        if (feed.AnnouncesInDatabase)
        {
            // One round trip: the numbering and the NOTIFY, which PostgreSQL delivers at commit.
            await w.Connection.ExecuteAsync(new CommandDefinition(
                "WITH seq AS (UPDATE factors SET challenge_seq = challenge_seq + 1 WHERE sid = @factorSid RETURNING challenge_seq)"
                + " UPDATE challenges SET change_seq = seq.challenge_seq FROM seq WHERE challenges.sid = @challengeSid;"
                + " SELECT pg_notify('" + ChallengeFeed.Channel + "', @factorSid)",
                new { factorSid, challengeSid }, w.Transaction, cancellationToken: w.CancellationToken));
            return;
        }

        var seq = await w.Connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "UPDATE factors SET challenge_seq = challenge_seq + 1 WHERE sid = @factorSid RETURNING challenge_seq",
            new { factorSid }, w.Transaction, cancellationToken: w.CancellationToken));
        if (seq is null)
        {
            return;
        }

        await w.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE challenges SET change_seq = @seq WHERE sid = @challengeSid",
            new { seq, challengeSid }, w.Transaction, cancellationToken: w.CancellationToken));
        feed.AnnounceAfterCommit(w, factorSid);
    }

    public async Task<long?> HeadAsync(string factorSid, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT challenge_seq FROM factors WHERE sid = @factorSid", new { factorSid }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Challenge>> PendingAsync(string factorSid, long upTo, long now, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await c.QueryAsync<Challenge>(new CommandDefinition(
            $"SELECT {Columns} FROM challenges WHERE factor_sid = @factorSid AND status = 'pending' AND expiration_date > @now AND change_seq <= @upTo ORDER BY change_seq, id",
            new { factorSid, upTo, now }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<Challenge>> ChangedAfterAsync(string factorSid, long cursor, int max, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await c.QueryAsync<Challenge>(new CommandDefinition(
            $"SELECT {Columns} FROM challenges WHERE factor_sid = @factorSid AND change_seq > @cursor ORDER BY change_seq LIMIT @max",
            new { factorSid, cursor, max }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public Task<IReadOnlyList<Challenge>> ExpireDueAsync(string factorSid, long now, Func<Challenge, IEnumerable<OutboxMessage>> consequences, CancellationToken cancellationToken) =>
        db.WriteAsync<IReadOnlyList<Challenge>>(async w =>
        {
            var rows = await w.Connection.QueryAsync<Challenge>(new CommandDefinition(
                $"UPDATE challenges SET status = 'expired', date_updated = expiration_date WHERE factor_sid = @factorSid AND status = 'pending' AND expiration_date <= @now RETURNING {SqlChallengeStore.Columns}",
                new { factorSid, now }, w.Transaction, cancellationToken: w.CancellationToken));
            var expired = rows.OrderBy(c => c.Id).ToList();
            foreach (var challenge in expired)
            {
                await StampAsync(w, feed, factorSid, challenge.Sid);
            }

            await outbox.AddAsync(w, expired.SelectMany(consequences));
            return expired;
        }, cancellationToken);
}
