using System.Security.Cryptography;
using System.Text;
using OpenVerify.TestKit.Devices;

namespace OpenVerify.Server.Tests.Factors;

public sealed class UpdateFactorTests
{
    [Theory]
    [InlineData(DeviceFlavour.Android)]
    [InlineData(DeviceFlavour.Ios)]
    public async Task Verifying_with_the_signed_factor_sid_returns_200_verified(DeviceFlavour flavour)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolAsync(await api.CreateServiceAsync(), flavour: flavour, verify: false);
        Assert.Equal("verified", await e.Device.VerifyFactorAsync(e.Factor));
        var verify = e.Device.Exchanges[^1];
        Assert.Equal(200, verify.Response.StatusCode);
        Assert.StartsWith("AuthPayload=", verify.Body);
        Assert.Equal("verified", (await api.Account.GetAsync(e.FactorPath)).Expect(200).Str("status"));
    }

    [Fact]
    public async Task The_ios_verify_payload_with_raw_slashes_and_equals_is_decoded_like_the_android_one()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolAsync(await api.CreateServiceAsync(), flavour: DeviceFlavour.Ios, verify: false);
        var payload = SdkSignatures.VerifyFactorPayload(e.Factor.Key, e.Factor.Sid);
        for (var i = 0; i < 50 && !payload.Contains('/') && !payload.Contains('+'); i++)
        {
            payload = SdkSignatures.VerifyFactorPayload(e.Factor.Key, e.Factor.Sid);
        }

        var response = await e.Device.SendWithJwtAsync(e.Factor, HttpMethod.Post, e.FactorPath["/v2/".Length..], [new("AuthPayload", payload)]);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("verified", response.Json.Str("status"));
    }

    [Fact]
    public async Task UpdateFactor_sets_the_factor_signature_header()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        Assert.False(string.IsNullOrEmpty(e.Device.LastResponse!.Header("Twilio-Verify-Factor-Signature")));
        var update = await api.Account.PostAsync(e.FactorPath, ("FriendlyName", "Renamed"));
        update.Expect(200);
        Assert.False(string.IsNullOrEmpty(update.Header("Twilio-Verify-Factor-Signature")));
    }

    [Fact]
    public async Task Verifying_with_a_signature_over_something_else_returns_60311_and_the_factor_stays_unverified()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolAsync(await api.CreateServiceAsync(), verify: false);
        var wrong = SdkSignatures.VerifyFactorPayload(e.Factor.Key, e.Factor.Sid + "x");
        var response = await e.Device.SendWithJwtAsync(e.Factor, HttpMethod.Post, e.FactorPath["/v2/".Length..], [new("AuthPayload", wrong)], throwOnFailure: false);
        Assert.Equal(403, response.StatusCode);
        Assert.Equal(60311, response.ErrorCode);
        Assert.Equal("unverified", (await api.Account.GetAsync(e.FactorPath)).Expect(200).Str("status"));
    }

    [Theory]
    [InlineData("other-key")]
    [InlineData("not-base64")]
    [InlineData("raw-signature")]
    [InlineData("empty")]
    public async Task Verifying_with_a_bad_AuthPayload_returns_60311(string kind)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolAsync(await api.CreateServiceAsync(), verify: false);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var payload = kind switch
        {
            "other-key" => SdkSignatures.VerifyFactorPayload(other, e.Factor.Sid),
            "not-base64" => "%%%not-base64%%%",
            "raw-signature" => Convert.ToBase64String(e.Factor.Key.SignData(Encoding.UTF8.GetBytes(e.Factor.Sid), HashAlgorithmName.SHA256)),
            _ => "",
        };
        var response = await e.Device.SendWithJwtAsync(e.Factor, HttpMethod.Post, e.FactorPath["/v2/".Length..], [new("AuthPayload", payload)], throwOnFailure: false);
        Assert.Equal(60311, response.ErrorCode);
        Assert.Equal("unverified", (await api.Account.GetAsync(e.FactorPath)).Expect(200).Str("status"));
    }

    [Theory]
    [InlineData(DeviceFlavour.Android)]
    [InlineData(DeviceFlavour.Ios)]
    public async Task A_device_token_refresh_stores_the_new_token_and_returns_the_full_factor(DeviceFlavour flavour)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolAsync(await api.CreateServiceAsync(), flavour: flavour);
        var newToken = "new" + new string('1', 61);
        var json = await e.Device.UpdateFactorAsync(e.Factor, newToken);
        Assert.Equal(e.Factor.CredentialSid, json["config"].Str("credential_sid"));
        Assert.Equal(newToken, json["config"].Str("notification_token"));
        Assert.Equal("verified", json.Str("status"));
        Assert.False(json.ContainsKey("binding"));
        Assert.Equal(newToken, (await api.Account.GetAsync(e.FactorPath)).Expect(200)["config"].Str("notification_token"));
    }

    [Fact]
    public async Task Updating_with_platform_none_and_no_token_clears_the_token()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var json = await e.Device.UpdateFactorAsync(e.Factor, null);
        Assert.Equal("none", json["config"].Str("notification_platform"));
        Assert.Null(json["config"]!["notification_token"]);
        var fetched = (await api.Account.GetAsync(e.FactorPath)).Expect(200);
        Assert.Equal("none", fetched["config"].Str("notification_platform"));
        Assert.Null(fetched["config"]!["notification_token"]);
    }

    [Fact]
    public async Task Switching_from_none_back_to_fcm_with_a_token_is_allowed()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        await e.Device.UpdateFactorAsync(e.Factor, null);
        var json = await e.Device.UpdateFactorAsync(e.Factor, "back" + new string('2', 60));
        Assert.Equal("fcm", json["config"].Str("notification_platform"));
    }

    [Fact]
    public async Task A_backend_can_rename_a_factor_and_only_the_name_changes()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var before = (await api.Account.GetAsync(e.FactorPath)).Expect(200);
        var after = (await api.Account.PostAsync(e.FactorPath, ("FriendlyName", "Work phone"))).Expect(200);
        Assert.Equal("Work phone", after.Str("friendly_name"));
        Assert.Equal(before["config"]!.ToJsonString(), after["config"]!.ToJsonString());
        Assert.Equal("verified", after.Str("status"));
    }

    [Theory]
    [InlineData("Config.NotificationToken", "short")]
    [InlineData("Config.NotificationPlatform", "sms")]
    [InlineData("FriendlyName", "")]
    public async Task An_invalid_update_returns_60200_and_changes_nothing(string key, string value)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var before = (await api.Account.GetAsync(e.FactorPath)).Expect(200);
        (await api.Account.PostAsync(e.FactorPath, (key, value))).ExpectError(60200, 400);
        Assert.Equal(before.ToJsonString(), (await api.Account.GetAsync(e.FactorPath)).Expect(200).ToJsonString());
    }

    [Fact]
    public async Task Binding_appears_only_in_the_create_response_never_in_fetch_list_or_update()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        Assert.True(e.Device.Exchanges[0].Response.Json!.AsObject().ContainsKey("binding"));
        var fetched = (await api.Account.GetAsync(e.FactorPath)).Expect(200);
        var listed = (await api.Account.GetAsync(e.EntityPath + "/Factors")).Expect(200)["factors"]![0]!.AsObject();
        var updated = (await api.Account.PostAsync(e.FactorPath, ("FriendlyName", "x"))).Expect(200);
        foreach (var body in (JsonObject[])[fetched, listed, updated, e.Device.Exchanges[1].Response.Json!.AsObject()])
        {
            Assert.False(body.ContainsKey("binding"));
            Assert.False(body.ContainsKey("options"));
        }
    }
}
