using Dapper;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.AccessTokens;
using OpenVerify.Server.Accounts;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Notifications;
using OpenVerify.Server.Services;
using OpenVerify.Server.Storage;
using OpenVerify.Server.Webhooks;

namespace OpenVerify.Server.Tests.Storage.Sql;

/// <summary>
/// The smaller stores (accounts and keys, services, webhooks, access tokens, notifications) store and
/// read back every column, on SQLite and on PostgreSQL.
/// </summary>
public sealed class SqlRoundTripTests : StoreTestBase
{
    private static readonly PageQuery FirstPage = new(50, false, CursorDirection.None, 0, 0);

    [Fact]
    public async Task Accounts_and_keys_round_trip_and_a_second_add_is_refused()
    {
        var bootstrap = Get<AccountBootstrap>();
        var accounts = Get<IAccountStore>();
        var account = await bootstrap.CreateAsync("first", Ct);

        Assert.False(await accounts.TryAddAsync(account, Ct));
        await accounts.SetAuthTokenAsync(account.Sid, "0123456789abcdef0123456789abcdef", Ct);
        var (key, _) = await bootstrap.CreateKeyAsync(account.Sid, "ci", Ct);

        var found = await accounts.FindAsync(account.Sid, Ct);
        Assert.Equal("0123456789abcdef0123456789abcdef", found!.AuthToken);
        Assert.Equal(Now, found.DateCreated);
        Assert.Equal(1, await accounts.CountAsync(Ct));
        var foundKey = await accounts.FindKeyAsync(key.Sid, Ct);
        Assert.Equal(key.SecretHash, foundKey!.SecretHash);
        Assert.Equal(account.Sid, foundKey.AccountSid);
    }

    [Fact]
    public async Task Services_update_list_and_delete_with_everything_under_them()
    {
        var services = Get<IServiceStore>();
        var service = await AddServiceAsync(name: "Bank");
        var other = await AddServiceAsync(name: "Shop");
        service.FriendlyName = "Bank 2";
        service.Settings = new ServiceSettings { PushIncludeDate = true, TotpIssuer = "Bank" };
        service.DateUpdated = Now + 5;
        await services.UpdateAsync(service, Ct);
        var factor = await AddFactorAsync(service, "user-0001");
        await AddChallengeAsync(factor);

        var found = await services.FindAsync(service.AccountSid, service.Sid, Ct);
        Assert.Equal("Bank 2", found!.FriendlyName);
        Assert.True(found.Settings.PushIncludeDate);
        Assert.Equal("Bank", found.Settings.TotpIssuer);
        Assert.Equal(Now + 5, found.DateUpdated);
        Assert.Equal([service.Sid, other.Sid], (await services.ListAsync(service.AccountSid, FirstPage, Ct)).Select(s => s.Sid));
        Assert.Null(await services.FindAsync("AC00000000000000000000000000000002", service.Sid, Ct));

        Assert.True(await services.DeleteAsync(service.AccountSid, service.Sid, Ct));

        Assert.Equal([other.Sid], (await services.ListAsync(service.AccountSid, FirstPage, Ct)).Select(s => s.Sid));
        await using var c = await Database.OpenReadAsync(Ct);
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM factors") + await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM challenges") + await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entities"));
    }

    [Fact]
    public async Task Webhooks_round_trip_update_and_delete()
    {
        var store = Get<IWebhookStore>();
        var service = await AddServiceAsync();
        var webhook = new Webhook
        {
            Sid = Sid.New(SidPrefix.Webhook), AccountSid = service.AccountSid, ServiceSid = service.Sid, FriendlyName = "hook",
            EventTypesJson = """["factor.created","challenge.approved"]""", WebhookUrl = "https://backend.example/hook", DateCreated = Now, DateUpdated = Now,
        };
        await store.AddAsync(webhook, Ct);
        webhook.Status = "disabled";
        webhook.EventTypesJson = """["*"]""";
        await store.UpdateAsync(webhook, Ct);

        var found = await store.FindAsync(service.Sid, webhook.Sid, Ct);
        Assert.Equal(webhook.Id, found!.Id);
        Assert.Equal("disabled", found.Status);
        Assert.Equal(["*"], found.EventTypes);
        Assert.Equal("https://backend.example/hook", found.WebhookUrl);
        Assert.Single(await store.ListAsync(service.Sid, FirstPage, Ct));
        Assert.True(await store.DeleteAsync(service.Sid, webhook.Sid, Ct));
        Assert.False(await store.DeleteAsync(service.Sid, webhook.Sid, Ct));
    }

    [Fact]
    public async Task Access_tokens_and_notifications_round_trip()
    {
        var service = await AddServiceAsync();
        var token = new AccessToken
        {
            Sid = Sid.New(SidPrefix.AccessToken), AccountSid = service.AccountSid, ServiceSid = service.Sid, Identity = "user-0001",
            FactorFriendlyName = "phone", Secret = "s3cret", Ttl = 300, DateCreated = Now, ExpiresAt = Now + 300,
        };
        await Get<IAccessTokenStore>().AddAsync(token, Ct);
        var factor = await AddFactorAsync(service, "user-0001");
        var challenge = await AddChallengeAsync(factor);
        var notification = new Notification
        {
            Sid = Sid.New(SidPrefix.Notification), AccountSid = service.AccountSid, ServiceSid = service.Sid, EntitySid = factor.EntitySid,
            Identity = "user-0001", ChallengeSid = challenge.Sid, Ttl = 120, DateCreated = Now,
        };
        await Get<INotificationStore>().AddAsync(notification, [new OutboxMessage(OutboxKinds.Push, "{}", Subject: challenge.Sid)], Ct);

        var found = await Get<IAccessTokenStore>().FindAsync(token.Sid, Ct);
        Assert.Equal(300, found!.Ttl);
        Assert.Equal("phone", found.FactorFriendlyName);
        Assert.Null(found.ConsumedAt);
        Assert.Equal(Now + 300, found.ExpiresAt);
        await using var c = await Database.OpenReadAsync(Ct);
        Assert.Equal(120, await c.ExecuteScalarAsync<long>("SELECT ttl FROM notifications WHERE sid = @Sid", notification));
        Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE subject = @ChallengeSid", notification));
    }
}
