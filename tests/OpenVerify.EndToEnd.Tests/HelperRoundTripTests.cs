using OpenVerify.EndToEnd.Tests.Infrastructure;
using OpenVerify.TestKit.Devices;
using Twilio.Exceptions;
using Twilio.Rest.Verify.V2;
using Twilio.Rest.Verify.V2.Service;
using Twilio.Rest.Verify.V2.Service.Entity;
using Twilio.Rest.Verify.V2.Service.Entity.Challenge;

namespace OpenVerify.EndToEnd.Tests;

/// <summary>The rest of the helper's Verify v2 push surface against the real process: each call parses and means what it says.</summary>
[Collection(SharedServer.Name)]
public sealed class HelperRoundTripTests(RunningServer running)
{
    private ServerProcess Server => running.Server;

    [Fact]
    public async Task Services_entities_and_access_tokens_update_fetch_list_and_delete()
    {
        var backend = TwilioHelper.Client(Server.BaseUrl, Server.AccountSid, Server.AuthToken);
        var service = await ServiceResource.CreateAsync(friendlyName: "Round trip", totpIssuer: "ACME", totpTimeStep: 30, totpCodeLength: 6, totpSkew: 1, client: backend);
        var updated = await ServiceResource.UpdateAsync(service.Sid, friendlyName: "Round trip 2", pushIncludeDate: true, client: backend);
        Assert.Equal("Round trip 2", updated.FriendlyName);
        Assert.Equal(service.DateCreated, updated.DateCreated);
        Assert.Contains(await ServiceResource.ReadAsync(client: backend), s => s.Sid == service.Sid && s.FriendlyName == "Round trip 2");
        Assert.Equal(new Uri(Server.BaseUrl, $"/v2/Services/{service.Sid}/Entities"), new Uri(service.Links["entities"]));

        var identity = "entity-" + Guid.NewGuid().ToString("N");
        var entity = await EntityResource.CreateAsync(service.Sid, identity, client: backend);
        Assert.Matches("^YE[0-9a-f]{32}$", entity.Sid);
        Assert.Equal(entity.Sid, (await EntityResource.FetchAsync(service.Sid, identity, client: backend)).Sid);
        Assert.Equal([identity], (await EntityResource.ReadAsync(service.Sid, client: backend)).Select(e => e.Identity));

        var token = await AccessTokenResource.CreateAsync(service.Sid, identity, AccessTokenResource.FactorTypesEnum.Push, client: backend);
        Assert.Equal(60, token.Ttl);
        var again = await AccessTokenResource.FetchAsync(service.Sid, token.Sid, client: backend);
        Assert.Equal(token.Token, again.Token);
        Assert.Equal(identity, again.EntityIdentity);

        Assert.True(await EntityResource.DeleteAsync(service.Sid, identity, client: backend));
        var gone = await Assert.ThrowsAsync<ApiException>(() => EntityResource.FetchAsync(service.Sid, identity, client: backend));
        Assert.Equal(404, gone.Status);
        Assert.Equal(20404, gone.Code);
    }

    [Fact]
    public async Task Factors_webhooks_and_notifications_through_the_helper()
    {
        var backend = TwilioHelper.Client(Server.BaseUrl, Server.AccountSid, Server.AuthToken);
        var service = await ServiceResource.CreateAsync(friendlyName: "Factors", client: backend);
        var identity = "factor-" + Guid.NewGuid().ToString("N");
        var token = await AccessTokenResource.CreateAsync(service.Sid, identity, AccessTokenResource.FactorTypesEnum.Push, factorFriendlyName: "Phone", client: backend);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var phone = new DeviceEmulator(http, DeviceFlavour.Android, baseUrl: Server.DeviceBaseUrl);
        using var factor = await phone.CreateFactorAsync(service.Sid, identity, token.Token, "Phone");

        // A challenge needs a verified factor.
        var early = await Assert.ThrowsAsync<ApiException>(() => ChallengeResource.CreateAsync(service.Sid, identity, factor.Sid, detailsMessage: "Too early", client: backend));
        Assert.Equal(403, early.Status);
        Assert.Equal(60318, early.Code);
        await phone.VerifyFactorAsync(factor);

        var renamed = await FactorResource.UpdateAsync(service.Sid, identity, factor.Sid, friendlyName: "Work phone", client: backend);
        Assert.Equal("Work phone", renamed.FriendlyName);
        Assert.Equal(FactorResource.FactorTypesEnum.Push, renamed.FactorType);
        var fetched = await FactorResource.FetchAsync(service.Sid, identity, factor.Sid, client: backend);
        Assert.Equal("Work phone", fetched.FriendlyName);
        Assert.Equal(FactorResource.FactorStatusesEnum.Verified, fetched.Status);

        var challenge = await ChallengeResource.CreateAsync(service.Sid, identity, factor.Sid, detailsMessage: "Notify me", client: backend);
        var notification = await NotificationResource.CreateAsync(service.Sid, identity, challenge.Sid, client: backend);
        Assert.Equal(300, notification.Ttl);
        Assert.Equal("high", notification.Priority);
        Assert.Equal(identity, notification.Identity);

        // Note: about the API shape only. The shared server keeps AllowPrivateNetworks off, so it refuses
        // these loopback URLs at delivery without connecting: nothing is ever sent to them.
        var hooks = new List<string>();
        foreach (var name in (string[])["one", "two", "three"])
        {
            hooks.Add((await WebhookResource.CreateAsync(service.Sid, name, ["*"], $"http://127.0.0.1:9/{name}", client: backend)).Sid);
        }

        Assert.Equal(hooks, (await WebhookResource.ReadAsync(service.Sid, pageSize: 1, client: backend)).Select(w => w.Sid));
        var hook = await WebhookResource.UpdateAsync(service.Sid, hooks[1], friendlyName: "two again", eventTypes: ["factor.deleted"], client: backend);
        Assert.Equal("two again", hook.FriendlyName);
        Assert.Equal(["factor.deleted"], hook.EventTypes);
        Assert.Equal(WebhookResource.MethodsEnum.Post, hook.WebhookMethod);
    }
}
