using Dapper;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Tests.Storage.Sql;

/// <summary>The challenge store, on SQLite and on PostgreSQL.</summary>
public sealed class SqlChallengeStoreTests : StoreTestBase
{
    private IChallengeStore Challenges => Get<IChallengeStore>();

    [Fact]
    public async Task Added_challenge_round_trips_every_column()
    {
        var factor = await AddFactorAsync(await AddServiceAsync(), "user-0001");
        var challenge = NewChallenge(factor);
        challenge.IncludeDate = true;
        challenge.Fields = """[{"label":"Amount","value":"10 EUR"}]""";
        challenge.HiddenDetails = """{"ip":"192.0.2.1"}""";

        Assert.True(await Challenges.TryAddAsync(challenge, [], Ct));

        var found = await Challenges.FindAsync(challenge.ServiceSid, challenge.Identity, challenge.Sid, Ct);
        Assert.NotNull(found);
        Assert.True(found.Id > 0);
        Assert.Equal(challenge.Id, found.Id);
        Assert.Equal(factor.EntitySid, found.EntitySid);
        Assert.Equal(factor.Sid, found.FactorSid);
        Assert.True(found.IncludeDate);
        Assert.Equal(challenge.Fields, found.Fields);
        Assert.Equal(challenge.HiddenDetails, found.HiddenDetails);
        Assert.Null(found.Metadata);
        Assert.Null(found.DateResponded);
        Assert.Equal(challenge.ExpirationDate, found.ExpirationDate);
        Assert.Equal(ChallengeStatuses.Pending, found.Status);

        var plain = await AddChallengeAsync(factor);
        Assert.False((await Challenges.FindAsync(plain.ServiceSid, plain.Identity, plain.Sid, Ct))!.IncludeDate);
        Assert.Null(await Challenges.FindAsync(plain.ServiceSid, "someone-else", plain.Sid, Ct));
    }

    [Fact]
    public async Task Adding_a_challenge_writes_its_outbox_messages_in_the_same_transaction()
    {
        var factor = await AddFactorAsync(await AddServiceAsync(), "user-0001");
        var challenge = NewChallenge(factor);

        Assert.True(await Challenges.TryAddAsync(challenge, [new OutboxMessage(OutboxKinds.Push, "{}", Subject: challenge.Sid)], Ct));

        await using var c = await Database.OpenReadAsync(Ct);
        Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE subject = @sid AND kind = 'push' AND state = 'pending'", new { sid = challenge.Sid }));
    }

    [Fact]
    public async Task Responding_sets_status_metadata_and_date()
    {
        var factor = await AddFactorAsync(await AddServiceAsync(), "user-0001");
        var challenge = await AddChallengeAsync(factor);
        Clock.Advance(TimeSpan.FromSeconds(30));

        Assert.True(await Challenges.TryRespondAsync(challenge.Sid, ChallengeStatuses.Approved, """{"os":"Android"}""", Now, [], Ct));

        var found = (await Challenges.FindAsync(challenge.ServiceSid, challenge.Identity, challenge.Sid, Ct))!;
        Assert.Equal(ChallengeStatuses.Approved, found.Status);
        Assert.Equal("""{"os":"Android"}""", found.Metadata);
        Assert.Equal(Now, found.DateResponded);
        Assert.Equal(Now, found.DateUpdated);
    }

    [Fact]
    public async Task Of_ten_concurrent_answers_exactly_one_wins_and_only_its_event_is_written()
    {
        var factor = await AddFactorAsync(await AddServiceAsync(), "user-0001");
        var challenge = await AddChallengeAsync(factor);

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => Challenges.TryRespondAsync(
            challenge.Sid, i % 2 == 0 ? ChallengeStatuses.Approved : ChallengeStatuses.Denied, null, Now,
            [new OutboxMessage(OutboxKinds.Webhook, "{\"answer\":" + i + "}", Subject: challenge.Sid)], Ct))));

        Assert.Single(answers, won => won);
        var winner = Array.IndexOf(answers, true);
        var found = (await Challenges.FindAsync(challenge.ServiceSid, challenge.Identity, challenge.Sid, Ct))!;
        Assert.Equal(winner % 2 == 0 ? ChallengeStatuses.Approved : ChallengeStatuses.Denied, found.Status);
        await using var c = await Database.OpenReadAsync(Ct);
        var events = (await c.QueryAsync<string>("SELECT payload FROM outbox WHERE subject = @sid", new { sid = challenge.Sid })).ToList();
        Assert.Equal(["{\"answer\":" + winner + "}"], events);
    }

    [Fact]
    public async Task Answering_an_answered_or_expired_challenge_fails()
    {
        var factor = await AddFactorAsync(await AddServiceAsync(), "user-0001");
        var answered = await AddChallengeAsync(factor);
        var expiring = await AddChallengeAsync(factor, TimeSpan.FromSeconds(60));
        Assert.True(await Challenges.TryRespondAsync(answered.Sid, ChallengeStatuses.Denied, null, Now, [], Ct));

        Clock.Advance(TimeSpan.FromSeconds(60));

        Assert.False(await Challenges.TryRespondAsync(answered.Sid, ChallengeStatuses.Approved, null, Now, [], Ct));
        Assert.False(await Challenges.TryRespondAsync(expiring.Sid, ChallengeStatuses.Approved, null, Now, [], Ct));
        Assert.Equal(ChallengeStatuses.Denied, (await Challenges.FindAsync(answered.ServiceSid, answered.Identity, answered.Sid, Ct))!.Status);
    }

    [Fact]
    public async Task Status_filters_see_lazily_expired_challenges_as_expired()
    {
        var factor = await AddFactorAsync(await AddServiceAsync(), "user-0001");
        var shortLived = await AddChallengeAsync(factor, TimeSpan.FromSeconds(30));
        var longLived = await AddChallengeAsync(factor, TimeSpan.FromMinutes(10));
        var approved = await AddChallengeAsync(factor);
        Assert.True(await Challenges.TryRespondAsync(approved.Sid, ChallengeStatuses.Approved, null, Now, [], Ct));
        Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal([longLived.Sid], await SidsAsync(factor, ChallengeStatuses.Pending));
        Assert.Equal([shortLived.Sid], await SidsAsync(factor, ChallengeStatuses.Expired));
        Assert.Equal([approved.Sid], await SidsAsync(factor, ChallengeStatuses.Approved));
        Assert.Equal([shortLived.Sid, longLived.Sid, approved.Sid], await SidsAsync(factor, null));
        Assert.Empty(await Challenges.ListAsync(factor.ServiceSid, factor.Identity, "YF00000000000000000000000000000000", null, Now, FirstPage(), Ct));
    }

    [Fact]
    public async Task Challenges_page_in_both_orders()
    {
        var factor = await AddFactorAsync(await AddServiceAsync(), "user-0001");
        var sids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            sids.Add((await AddChallengeAsync(factor)).Sid);
        }

        var ascending = new PageQuery(3, false, CursorDirection.None, 0, 0);
        var page1 = ascending.Slice(await Challenges.ListAsync(factor.ServiceSid, factor.Identity, factor.Sid, null, Now, ascending, Ct));
        Assert.Equal(sids[..3], page1.Items.Select(c => c.Sid));
        Assert.True(page1.HasNext);
        var next = new PageQuery(3, false, CursorDirection.After, page1.Items[^1].Id, 0);
        var page2 = next.Slice(await Challenges.ListAsync(factor.ServiceSid, factor.Identity, factor.Sid, null, Now, next, Ct));
        Assert.Equal(sids[3..], page2.Items.Select(c => c.Sid));
        Assert.False(page2.HasNext);

        var descending = new PageQuery(3, true, CursorDirection.None, 0, 0);
        var down1 = descending.Slice(await Challenges.ListAsync(factor.ServiceSid, factor.Identity, null, null, Now, descending, Ct));
        Assert.Equal(Enumerable.Reverse(sids).Take(3), down1.Items.Select(c => c.Sid));
        var downNext = new PageQuery(3, true, CursorDirection.After, down1.Items[^1].Id, 0);
        var down2 = downNext.Slice(await Challenges.ListAsync(factor.ServiceSid, factor.Identity, null, null, Now, downNext, Ct));
        Assert.Equal(Enumerable.Reverse(sids).Skip(3), down2.Items.Select(c => c.Sid));
        var downBack = new PageQuery(3, true, CursorDirection.Before, down2.Items[0].Id, 0);
        Assert.Equal(down1.Items.Select(c => c.Sid), downBack.Slice(await Challenges.ListAsync(factor.ServiceSid, factor.Identity, null, null, Now, downBack, Ct)).Items.Select(c => c.Sid));
    }

    [Fact]
    public async Task Expiry_stores_expired_once_with_its_events()
    {
        var factor = await AddFactorAsync(await AddServiceAsync(), "user-0001");
        var stale = await AddChallengeAsync(factor, TimeSpan.FromSeconds(30));
        var answered = await AddChallengeAsync(factor, TimeSpan.FromSeconds(30));
        var fresh = await AddChallengeAsync(factor, TimeSpan.FromMinutes(10));
        Assert.True(await Challenges.TryRespondAsync(answered.Sid, ChallengeStatuses.Approved, null, Now, [], Ct));
        Clock.Advance(TimeSpan.FromMinutes(1));

        var expired = await Challenges.ExpireAsync(Now, 500, c => [new OutboxMessage(OutboxKinds.Webhook, "{}", Subject: c.Sid)], Ct);
        var again = await Challenges.ExpireAsync(Now, 500, c => [new OutboxMessage(OutboxKinds.Webhook, "{}", Subject: c.Sid)], Ct);

        Assert.Equal([stale.Sid], expired.Select(c => c.Sid));
        Assert.Equal(ChallengeStatuses.Expired, expired[0].Status);
        Assert.Equal(stale.ExpirationDate, expired[0].DateUpdated);
        Assert.Empty(again);
        Assert.Equal(ChallengeStatuses.Expired, (await Challenges.FindAsync(stale.ServiceSid, stale.Identity, stale.Sid, Ct))!.Status);
        Assert.Equal(ChallengeStatuses.Pending, (await Challenges.FindAsync(fresh.ServiceSid, fresh.Identity, fresh.Sid, Ct))!.Status);
        await using var c = await Database.OpenReadAsync(Ct);
        Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE subject = @sid", new { sid = stale.Sid }));
    }

    [Fact]
    public async Task Concurrent_expiry_sweeps_expire_each_challenge_once()
    {
        const int count = 200;
        var factor = await AddFactorAsync(await AddServiceAsync(), "user-0001");
        for (var i = 0; i < count; i++)
        {
            await AddChallengeAsync(factor, TimeSpan.FromSeconds(30));
        }

        Clock.Advance(TimeSpan.FromMinutes(1));

        // Four sweepers in small batches overlap on the same rows; a deadlock (or any error) fails
        // the test: sweeps skip each other's rows instead of waiting for them.
        var sweeps = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var mine = new List<string>();
            IReadOnlyList<Server.Challenges.Challenge> batch;
            do
            {
                batch = await Challenges.ExpireAsync(Now, 25, c => [new OutboxMessage(OutboxKinds.Webhook, "{}", Subject: c.Sid)], Ct);
                mine.AddRange(batch.Select(c => c.Sid));
            }
            while (batch.Count > 0);
            return mine;
        })));

        var rest = await Challenges.ExpireAsync(Now, 500, c => [new OutboxMessage(OutboxKinds.Webhook, "{}", Subject: c.Sid)], Ct);
        Assert.Empty(rest);
        var all = sweeps.SelectMany(s => s).ToList();
        Assert.Equal(count, all.Count);
        Assert.Equal(count, all.Distinct().Count());
        await using var c = await Database.OpenReadAsync(Ct);
        Assert.Equal(count, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox"));
        Assert.Equal(count, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM challenges WHERE status = 'expired'"));
    }

    private static PageQuery FirstPage() => new(50, false, CursorDirection.None, 0, 0);

    private async Task<List<string>> SidsAsync(Server.Factors.Factor factor, string? status) =>
        (await Challenges.ListAsync(factor.ServiceSid, factor.Identity, factor.Sid, status, Now, FirstPage(), Ct)).Select(c => c.Sid).ToList();
}
