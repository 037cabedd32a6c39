using Dapper;
using OpenVerify.Protocol.Sids;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.AccessTokens;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Entities;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Tests.Storage.Sql;

/// <summary>The factor store, on SQLite and on PostgreSQL.</summary>
public sealed class SqlFactorStoreTests : StoreTestBase
{
    private IFactorStore Factors => Get<IFactorStore>();

    [Fact]
    public async Task Adding_a_factor_creates_its_entity_and_fills_in_the_entity_sid()
    {
        var service = await AddServiceAsync();
        var factor = NewFactor(service, "user-0001", FactorStatuses.Unverified);
        factor.NotificationPlatform = NotificationPlatforms.Fcm;
        factor.NotificationToken = "token-0001";
        factor.Metadata = """{"os":"Android"}""";

        await AddWebhookAsync(service);

        var result = await Factors.AddAsync(factor, 20, null, Now, f => [VerifyEvent.ForFactor(VerifyEvent.Types.FactorCreated, f, Clock.GetUtcNow())], Ct);

        Assert.Equal(FactorAddResult.Added, result);
        var entity = await Get<IEntityStore>().FindAsync(service.Sid, "user-0001", Ct);
        Assert.NotNull(entity);
        Assert.Equal(entity.Sid, factor.EntitySid);
        var found = await Factors.FindByCredentialAsync(factor.CredentialSid, Ct);
        Assert.NotNull(found);
        Assert.Equal(factor.Sid, found.Sid);
        Assert.Equal(factor.Id, found.Id);
        Assert.Equal("token-0001", found.NotificationToken);
        Assert.Equal(factor.Metadata, found.Metadata);
        Assert.Equal(FactorStatuses.Unverified, found.Status);
        await using var c = await Database.OpenReadAsync(Ct);
        Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'event'"));
    }

    [Fact]
    public async Task Ten_concurrent_creations_for_one_new_entity_stop_at_the_limit()
    {
        var service = await AddServiceAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() =>
            Factors.AddAsync(NewFactor(service, "user-0001"), 3, null, Now, _ => [], Ct))));

        Assert.Equal(3, results.Count(r => r == FactorAddResult.Added));
        Assert.Equal(7, results.Count(r => r == FactorAddResult.TooManyFactors));
        var page = new PageQuery(50, false, CursorDirection.None, 0, 0);
        var stored = await Factors.ListAsync(service.Sid, "user-0001", page, Ct);
        Assert.Equal(3, stored.Count);
        Assert.Single(stored.Select(f => f.EntitySid).Distinct());
        await using var c = await Database.OpenReadAsync(Ct);
        Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entities WHERE service_sid = @Sid", service));
    }

    [Fact]
    public async Task Ten_concurrent_creations_for_an_existing_entity_stop_at_the_limit()
    {
        var service = await AddServiceAsync();
        await AddFactorAsync(service, "user-0001");

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() =>
            Factors.AddAsync(NewFactor(service, "user-0001"), 5, null, Now, _ => [], Ct))));

        Assert.Equal(4, results.Count(r => r == FactorAddResult.Added));
        Assert.Equal(5, (await Factors.ListAsync(service.Sid, "user-0001", new PageQuery(50, false, CursorDirection.None, 0, 0), Ct)).Count);
    }

    [Fact]
    public async Task An_enrolment_access_token_creates_one_factor_only()
    {
        var service = await AddServiceAsync();
        var token = new AccessToken
        {
            Sid = Sid.New(SidPrefix.AccessToken), AccountSid = service.AccountSid, ServiceSid = service.Sid, Identity = "user-0001",
            Secret = "secret", Ttl = 60, DateCreated = Now, ExpiresAt = Now + 60,
        };
        await Get<IAccessTokenStore>().AddAsync(token, Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() =>
            Factors.AddAsync(NewFactor(service, "user-0001"), 20, token.Sid, Now, _ => [], Ct))));

        Assert.Equal(1, results.Count(r => r == FactorAddResult.Added));
        Assert.Equal(4, results.Count(r => r == FactorAddResult.AccessTokenSpent));
        Assert.Equal(Now, (await Get<IAccessTokenStore>().FindAsync(token.Sid, Ct))!.ConsumedAt);
    }

    [Fact]
    public async Task Update_saves_config_and_status()
    {
        var service = await AddServiceAsync();
        var factor = await AddFactorAsync(service, "user-0001", FactorStatuses.Unverified);
        var change = new FactorChange("new phone", null, null, (NotificationPlatforms.Apn, "apns-token"), Verify: true);

        var update = await Factors.TryUpdateAsync(service.Sid, "user-0001", factor.Sid, change, Now, _ => [], Ct);

        Assert.True(update.Verified);
        Assert.Equal("new phone", update.Factor!.FriendlyName);
        var found = (await Factors.FindAsync(service.Sid, "user-0001", factor.Sid, Ct))!;
        Assert.Equal(FactorStatuses.Verified, found.Status);
        Assert.Equal("apns-token", found.NotificationToken);
        Assert.Equal("new phone", found.FriendlyName);
    }

    [Fact]
    public async Task Unverified_factors_older_than_the_cut_off_are_deleted_once()
    {
        var service = await AddServiceAsync();
        var old = await AddFactorAsync(service, "user-0001", FactorStatuses.Unverified);
        var verified = await AddFactorAsync(service, "user-0001");
        Clock.Advance(TimeSpan.FromHours(2));
        var young = await AddFactorAsync(service, "user-0001", FactorStatuses.Unverified);

        var removed = await Factors.DeleteUnverifiedAsync(Now - 3600, 500, f => [new OutboxMessage(OutboxKinds.Webhook, "{}", Subject: f.Sid)], Ct);

        Assert.Equal([old.Sid], removed.Select(f => f.Sid));
        Assert.Empty(await Factors.DeleteUnverifiedAsync(Now - 3600, 500, _ => [], Ct));
        Assert.NotNull(await Factors.FindAsync(service.Sid, "user-0001", verified.Sid, Ct));
        Assert.NotNull(await Factors.FindAsync(service.Sid, "user-0001", young.Sid, Ct));
        Assert.Equal(young.Sid, (await Factors.TryDeleteAsync(service.Sid, "user-0001", young.Sid, _ => [], Ct))?.Sid);
        Assert.Null(await Factors.TryDeleteAsync(service.Sid, "user-0001", young.Sid, _ => [], Ct));
    }

    [Fact]
    public async Task A_delete_racing_a_verify_never_emits_verified_for_a_deleted_factor()
    {
        var service = await AddServiceAsync();
        await AddWebhookAsync(service);
        for (var round = 0; round < 20; round++)
        {
            var factor = await AddFactorAsync(service, "user-" + round, FactorStatuses.Unverified);
            var verify = Task.Run(() => Factors.TryUpdateAsync(service.Sid, factor.Identity, factor.Sid, new FactorChange(null, null, null, null, Verify: true), Now, Verified, Ct));
            var delete = Task.Run(() => Factors.TryDeleteAsync(service.Sid, factor.Identity, factor.Sid, Deleted, Ct));
            var (update, deleted) = (await verify, await delete);

            Assert.NotNull(deleted);
            var events = await EventsAsync(factor.Sid);
            if (update.Factor is null)
            {
                // The delete won: the verify saw no factor, so it answers "not found" and writes nothing.
                Assert.False(update.Verified);
                Assert.Equal([VerifyEvent.Types.FactorDeleted], events);
            }
            else
            {
                Assert.True(update.Verified);
                Assert.Equal([VerifyEvent.Types.FactorVerified, VerifyEvent.Types.FactorDeleted], events);
            }
        }
    }

    [Fact]
    public async Task Of_ten_concurrent_verifies_exactly_one_verifies_and_writes_its_event()
    {
        var service = await AddServiceAsync();
        await AddWebhookAsync(service);
        var factor = await AddFactorAsync(service, "user-0001", FactorStatuses.Unverified);

        var updates = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() =>
            Factors.TryUpdateAsync(service.Sid, factor.Identity, factor.Sid, new FactorChange(null, null, null, null, Verify: true), Now, Verified, Ct))));

        Assert.Single(updates, u => u.Verified);
        Assert.All(updates, u => Assert.Equal(FactorStatuses.Verified, u.Factor!.Status));
        Assert.Equal([VerifyEvent.Types.FactorVerified], await EventsAsync(factor.Sid));
    }

    [Fact]
    public async Task A_rename_racing_a_push_token_refresh_keeps_both()
    {
        var service = await AddServiceAsync();
        for (var round = 0; round < 20; round++)
        {
            var factor = await AddFactorAsync(service, "user-" + round);
            var token = "fcm-token-" + round + new string('x', 32);
            var rename = Task.Run(() => Factors.TryUpdateAsync(service.Sid, factor.Identity, factor.Sid, new FactorChange("renamed " + round, null, null, null, false), Now, Verified, Ct));
            var refresh = Task.Run(() => Factors.TryUpdateAsync(service.Sid, factor.Identity, factor.Sid, new FactorChange(null, null, null, (NotificationPlatforms.Fcm, token), false), Now, Verified, Ct));
            await Task.WhenAll(rename, refresh);

            await using var c = await Database.OpenReadAsync(Ct);
            var row = await c.QuerySingleAsync<(string FriendlyName, string Platform, string Token)>(
                "SELECT friendly_name, notification_platform, notification_token FROM factors WHERE sid = @sid", new { sid = factor.Sid });
            Assert.Equal(("renamed " + round, NotificationPlatforms.Fcm, token), row);
        }
    }

    [Fact]
    public async Task An_update_that_changes_nothing_keeps_date_updated()
    {
        var service = await AddServiceAsync();
        var factor = await AddFactorAsync(service, "user-0001");
        Clock.Advance(TimeSpan.FromMinutes(5));

        var update = await Factors.TryUpdateAsync(service.Sid, factor.Identity, factor.Sid, new FactorChange(factor.FriendlyName, factor.SdkVersion, null, null, Verify: true), Now, Verified, Ct);

        Assert.False(update.Verified);
        Assert.Equal(factor.DateUpdated, update.Factor!.DateUpdated);
    }

    private IEnumerable<OutboxMessage> Verified(Factor f) => [VerifyEvent.ForFactor(VerifyEvent.Types.FactorVerified, f, Clock.GetUtcNow())];

    private IEnumerable<OutboxMessage> Deleted(Factor f) => [VerifyEvent.ForFactor(VerifyEvent.Types.FactorDeleted, f, Clock.GetUtcNow())];

    /// <summary>The types of the events written for <paramref name="factorSid"/>, in the order written.</summary>
    private async Task<List<string>> EventsAsync(string factorSid)
    {
        await using var c = await Database.OpenReadAsync(Ct);
        var payloads = await c.QueryAsync<string>("SELECT payload FROM outbox WHERE kind = 'event' ORDER BY id");
        return payloads.Select(p => System.Text.Json.JsonDocument.Parse(p).RootElement)
            .Where(e => e.GetProperty("factor_sid").GetString() == factorSid)
            .Select(e => e.GetProperty("type").GetString()!).ToList();
    }
}
