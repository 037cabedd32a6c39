
namespace OpenVerify.Server.Tests.Notifications;

public sealed class NotificationsApiTests
{
    [Fact]
    public async Task Creating_a_notification_with_an_empty_body_returns_201_with_ttl_300()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var n = (await api.Account.PostRawAsync(e.ChallengePath(sid) + "/Notifications", "")).Expect(201);
        Assert.Matches("^NT[0-9a-f]{32}$", n.Str("sid"));
        Assert.Equal(sid, n.Str("challenge_sid"));
        Assert.Equal(e.Identity, n.Str("identity"));
        Assert.Matches("^YE[0-9a-f]{32}$", n.Str("entity_sid"));
        Assert.Equal(e.ServiceSid, n.Str("service_sid"));
        Assert.Equal("high", n.Str("priority"));
        Assert.Equal(300, n.Int("ttl"));
        Assert.False(n.ContainsKey("url"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("150")]
    [InlineData("300")]
    public async Task A_Ttl_from_0_to_300_is_returned(string ttl)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        Assert.Equal(int.Parse(ttl, System.Globalization.CultureInfo.InvariantCulture), (await api.Account.PostAsync(e.ChallengePath(sid) + "/Notifications", ("Ttl", ttl))).Expect(201).Int("ttl"));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("301")]
    [InlineData("abc")]
    public async Task A_Ttl_outside_0_to_300_returns_60200(string ttl)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        (await api.Account.PostAsync(e.ChallengePath(sid) + "/Notifications", ("Ttl", ttl))).ExpectError(60200, 400);
    }

    [Fact]
    public async Task A_notification_for_an_answered_challenge_returns_60322()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        await e.Device.ApproveAsync(e.Factor, sid);
        (await api.Account.PostAsync(e.ChallengePath(sid) + "/Notifications")).ExpectError(60322, 403);
    }

    [Fact]
    public async Task A_notification_for_an_expired_challenge_returns_60323()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        api.Clock.Advance(TimeSpan.FromMinutes(6));
        (await api.Account.PostAsync(e.ChallengePath(sid) + "/Notifications")).ExpectError(60323, 403);
    }

    [Fact]
    public async Task A_notification_for_an_unknown_or_malformed_challenge_is_60391_or_60364()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        (await api.Account.PostAsync(e.ChallengePath("YC" + new string('0', 32)) + "/Notifications")).ExpectError(60391, 404);
        (await api.Account.PostAsync(e.ChallengePath("YC1") + "/Notifications")).ExpectError(60364, 400);
    }

    [Fact]
    public async Task Another_account_or_a_device_cannot_create_notifications()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var other = await api.CreateOtherAccountAsync();
        (await other.PostAsync(e.ChallengePath(sid) + "/Notifications")).ExpectError(20404, 404);
        var device = await e.Device.SendAsync(HttpMethod.Post, e.ChallengePath(sid)["/v2/".Length..] + "/Notifications", [], e.Device.CreateDeviceJwt(e.Factor));
        Assert.Equal(401, device.StatusCode);
    }
}
