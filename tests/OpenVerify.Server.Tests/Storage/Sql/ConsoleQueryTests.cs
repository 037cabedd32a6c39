using System.Text.Json;
using OpenVerify.Protocol.Sids;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Console;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Delivery.Push;
using OpenVerify.Server.Delivery.Webhooks;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Http;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Tests.Storage.Sql;

/// <summary>
/// The store queries the admin console added (#17), on SQLite and on PostgreSQL: a challenge's delivery
/// trail, a message's attempts, a service's push log, the audit log, last answers and look-up by SID.
/// Each is scoped (to a challenge, a service, an account) and bounded by its limit.
/// </summary>
public sealed class ConsoleQueryTests : StoreTestBase
{
    private static readonly string[] Kinds = [OutboxKinds.Push, OutboxKinds.Event, OutboxKinds.Webhook];

    [Fact]
    public async Task A_challenges_trail_holds_its_pushes_events_and_webhook_deliveries_with_their_attempts_and_nothing_else()
    {
        var service = await AddServiceAsync();
        await AddWebhookAsync(service);
        var webhookSid = "YW" + new string('a', 32);
        var factor = await AddFactorAsync(service, "alice-0001");
        var neighbour = await AddFactorAsync(service, "bob-000001");
        var challenge = await AddChallengeAsync(factor);
        var other = await AddChallengeAsync(factor);
        var theirs = await AddChallengeAsync(neighbour);
        await EnqueueAsync(Push(challenge, factor), Push(other, factor), Push(theirs, neighbour), Event(challenge, factor), Event(theirs, neighbour),
            new WebhookJob(webhookSid, EventOf(challenge, factor)).ToMessage(), new WebhookJob(webhookSid, EventOf(theirs, neighbour)).ToMessage(),
            // A delivery to a webhook the trail does not name is not part of it.
            new WebhookJob("YW" + new string('b', 32), EventOf(challenge, factor)).ToMessage());
        var notSent = Push(challenge, factor) with { NotSent = "not configured: no fcm credential" };
        await EnqueueAsync(notSent);
        var claimed = await Get<IOutbox>().ClaimAsync(Kinds, "a", Clock.GetUtcNow(), Clock.GetUtcNow().AddMinutes(1), 100, Ct);
        foreach (var message in claimed)
        {
            await Get<IOutbox>().SettleAsync(message, "a", OutboxOutcome.RetryAfter(TimeSpan.FromSeconds(5), "HTTP 503"), Clock.GetUtcNow(), Ct);
        }

        Clock.Advance(TimeSpan.FromSeconds(5));
        foreach (var message in await Get<IOutbox>().ClaimAsync(Kinds, "a", Clock.GetUtcNow(), Clock.GetUtcNow().AddMinutes(1), 100, Ct))
        {
            await Get<IOutbox>().SettleAsync(message, "a", OutboxOutcome.Dead("HTTP 410 UNREGISTERED"), Clock.GetUtcNow(), Ct);
        }

        var trail = await Get<IDeliveryLog>().ForChallengeAsync(new ChallengeTrail(challenge.Sid, factor.Sid, factor.EntitySid, [webhookSid]), 100, 50, Ct);

        Assert.Equal([(OutboxKinds.Push, "dead"), (OutboxKinds.Event, "dead"), (OutboxKinds.Webhook, "dead"), (OutboxKinds.Push, "skipped")],
            trail.Select(r => (r.Kind, r.State)));
        Assert.All(trail.Take(3), r => Assert.Equal([("retry", 1, "HTTP 503"), ("dead", 2, "HTTP 410 UNREGISTERED")], r.Tries.Select(a => (a.Outcome, a.Attempt, a.Detail))));
        Assert.Equal(("not-sent", 0, "not configured: no fcm credential"), Assert.Single(trail[3].Tries) is var t ? (t.Outcome, t.Attempt, t.Detail) : default);
        Assert.Equal("not configured: no fcm credential", trail[3].LastError);
        var first = trail[0].Tries[0];
        Assert.Equal(trail[0].Tries.Select(a => a.At), (await Get<IDeliveryLog>().AttemptsAsync(trail[0].Id, 10, Ct)).Select(a => a.At));
        Assert.Equal(Clock.GetUtcNow().AddSeconds(-5).ToUnixTimeMilliseconds(), first.At);

        // Bounded: the limits cut the messages and the attempts.
        var cut = await Get<IDeliveryLog>().ForChallengeAsync(new ChallengeTrail(challenge.Sid, factor.Sid, factor.EntitySid, [webhookSid]), 2, 1, Ct);
        Assert.Equal([OutboxKinds.Push, OutboxKinds.Event], cut.Select(r => r.Kind));
        Assert.All(cut, r => Assert.Single(r.Tries));
        Assert.Single(await Get<IDeliveryLog>().AttemptsAsync(trail[0].Id, 1, Ct));
        Assert.Empty(await Get<IDeliveryLog>().ForChallengeAsync(new ChallengeTrail(Sid.New(SidPrefix.Challenge), factor.Sid, factor.EntitySid, [webhookSid]), 100, 50, Ct));
    }

    [Fact]
    public async Task The_push_log_of_a_service_shows_only_its_pushes_newest_first_a_page_at_a_time()
    {
        var ours = await AddServiceAsync();
        var theirs = await AddServiceAsync("AC00000000000000000000000000000002", "Other bank");
        var factor = await AddFactorAsync(ours, "alice-0001");
        var theirFactor = await AddFactorAsync(theirs, "alice-0001");
        var challenges = new List<Challenge>();
        for (var i = 0; i < 5; i++)
        {
            var c = await AddChallengeAsync(factor);
            challenges.Add(c);
            await EnqueueAsync(Push(c, factor) with { NotSent = "reason " + i }, Push(await AddChallengeAsync(theirFactor), theirFactor) with { NotSent = "theirs" });
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var log = Get<IPushLog>();
        var first = await log.ListForServiceAsync(ours.Sid, null, 3, Ct);
        var second = await log.ListForServiceAsync(ours.Sid, first[^1].Id, 3, Ct);

        Assert.Equal(["reason 4", "reason 3", "reason 2"], first.Select(a => a.Detail));
        Assert.Equal(["reason 1", "reason 0"], second.Select(a => a.Detail));
        Assert.Equal(challenges.Select(c => c.Sid).Reverse(), first.Concat(second).Select(a => a.ChallengeSid));
        Assert.All(first.Concat(second), a => Assert.Equal(("not-sent", "fcm", factor.Sid), (a.Outcome, a.Platform, a.FactorSid)));
        Assert.Empty(await log.ListForServiceAsync(Sid.New(SidPrefix.Service), null, 10, Ct));
    }

    [Fact]
    public async Task The_audit_log_lists_one_accounts_entries_newest_first_a_page_at_a_time()
    {
        var audit = Get<IAuditLog>();
        const string ours = "AC00000000000000000000000000000001";
        for (var i = 0; i < 3; i++)
        {
            await audit.AddAsync(new AuditEntry(0, ours, "SK" + new string('1', 32), Clock.GetUtcNow().ToUnixTimeMilliseconds(), AuditActions.DeleteFactor, "target " + i, i == 0 ? null : "detail"), Ct);
            await audit.AddAsync(new AuditEntry(0, "AC00000000000000000000000000000002", "AC00000000000000000000000000000002", 0, AuditActions.DisableWebhook, "theirs", null), Ct);
            Clock.Advance(TimeSpan.FromMilliseconds(1500));
        }

        var page = new PageQuery(2, true, CursorDirection.None, 0, 0);
        var first = page.Slice(await audit.ListAsync(ours, page, Ct));
        var nextPage = page with { Direction = CursorDirection.After, CursorId = first.Items[^1].Id };
        var second = nextPage.Slice(await audit.ListAsync(ours, nextPage, Ct));

        Assert.Equal(["target 2", "target 1"], first.Items.Select(e => e.Target));
        Assert.True(first.HasNext);
        Assert.Equal("target 0", Assert.Single(second.Items).Target);
        Assert.False(second.HasNext);
        var oldest = second.Items[0];
        Assert.Equal((ours, "SK" + new string('1', 32), AuditActions.DeleteFactor, (string?)null, Clock.GetUtcNow().AddMilliseconds(-4500).ToUnixTimeMilliseconds()),
            (oldest.AccountSid, oldest.Actor, oldest.Action, oldest.Detail, oldest.At));
    }

    [Fact]
    public async Task Last_answers_are_per_factor_and_a_challenge_is_found_by_SID_in_its_service_only()
    {
        var service = await AddServiceAsync();
        var factor = await AddFactorAsync(service, "alice-0001");
        var quiet = await AddFactorAsync(service, "alice-0001");
        var answered = await AddChallengeAsync(factor);
        await AddChallengeAsync(factor);
        var store = Get<IChallengeStore>();
        Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await store.TryRespondAsync(answered.Sid, ChallengeStatuses.Approved, null, Now, [], Ct));

        var last = await store.LastAnsweredAsync([factor.Sid, quiet.Sid], Ct);

        Assert.Equal(Now, Assert.Single(last, kv => kv.Key == factor.Sid).Value);
        Assert.False(last.ContainsKey(quiet.Sid));
        Assert.Empty(await store.LastAnsweredAsync([], Ct));
        Assert.Equal(answered.Identity, (await store.FindInServiceAsync(service.Sid, answered.Sid, Ct))?.Identity);
        Assert.Null(await store.FindInServiceAsync((await AddServiceAsync()).Sid, answered.Sid, Ct));
    }

    private Task EnqueueAsync(params OutboxMessage[] messages) => Database.WriteAsync(w => Get<IOutbox>().AddAsync(w, messages), Ct);

    private OutboxMessage Push(Challenge challenge, Factor factor) =>
        new(OutboxKinds.Push, JsonSerializer.Serialize(new PushJob(challenge.AccountSid, challenge.ServiceSid, challenge.Sid, factor.Sid, "fcm", "token", factor.AppId, challenge.Message,
            challenge.ExpirationDate), VerifyJson.Options), Subject: factor.Sid);

    private static VerifyEvent EventOf(Challenge challenge, Factor factor) =>
        new(Guid.NewGuid().ToString(), VerifyEvent.Types.ChallengeApproved, challenge.AccountSid, challenge.ServiceSid, factor.EntitySid, factor.Identity,
            factor.Sid, "push", factor.FriendlyName, challenge.Sid);

    private static OutboxMessage Event(Challenge challenge, Factor factor) =>
        new(OutboxKinds.Event, JsonSerializer.Serialize(EventOf(challenge, factor), VerifyJson.Options), Subject: challenge.ServiceSid, PartitionKey: "event:" + factor.EntitySid);
}
