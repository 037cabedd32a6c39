using System.Net;

namespace OpenVerify.Client.Tests;

public sealed class UpdateFactorTests
{
    [Fact]
    public async Task Update_posts_the_stored_name_and_config_with_the_new_token()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.UpdateFactorValid);

        var updated = await device.Client.UpdateFactorAsync(new UpdatePushFactorPayload(factor.Sid, "new token"));

        var request = Assert.Single(device.Api.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal($"Services/{TestDevice.ServiceSid}/Entities/{TestDevice.Identity}/Factors/factorSid", request.Path);
        Expect.SdkHeaders(request, accept: "application/json");
        Assert.Equal(
            "FriendlyName=friendlyName&Config.SdkVersion=0.9.0&Config.AppId=com.example.app&Config.NotificationPlatform=fcm&Config.NotificationToken=new%20token",
            request.Body);
        using var jwt = request.DeviceJwt;
        Assert.True(jwt.VerifyEs256(device.PublicKey));
        Assert.Equal(new DateTimeOffset(2020, 2, 20, 0, 39, 57, TimeSpan.Zero), updated.CreatedAt);
        Assert.Equal(factor.KeyAlias, updated.KeyAlias);
    }

    [Fact]
    public async Task Update_without_token_switches_to_platform_none()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.UpdateFactorValid);

        await device.Client.UpdateFactorAsync(new UpdatePushFactorPayload(factor.Sid, null));

        Assert.Equal("FriendlyName=friendlyName&Config.SdkVersion=0.9.0&Config.AppId=com.example.app&Config.NotificationPlatform=none", device.Api.LastRequest.Body);
        Assert.Equal("none", Assert.Single(await device.Client.GetAllFactorsAsync()).NotificationPlatform);
    }

    [Fact]
    public async Task Invalid_fixture_is_a_mapper_error()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.Invalid);

        await Expect.ErrorAsync(ErrorCategory.Mapper, () => device.Client.UpdateFactorAsync(new UpdatePushFactorPayload(factor.Sid, "t")));
    }
}
