using System.Security.Cryptography;
using OpenVerify.Protocol.Signing;
using OpenVerify.TestKit.Devices;

namespace OpenVerify.Server.Tests.Factors;

public sealed class CreateFactorTests
{
    [Theory]
    [InlineData(DeviceFlavour.Android)]
    [InlineData(DeviceFlavour.Ios)]
    public async Task A_device_creates_an_unverified_push_factor_with_its_access_token(DeviceFlavour flavour)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var device = api.Device(flavour);
        var factor = await device.CreateFactorAsync(service, identity, await api.CreateAccessTokenAsync(service, identity), "Pixel 8");
        var created = device.LastResponse!;
        Assert.Equal(201, created.StatusCode);
        var json = created.Json!.AsObject();
        Assert.Matches("^YF[0-9a-f]{32}$", factor.Sid);
        Assert.Equal("unverified", json.Str("status"));
        Assert.Equal("Pixel 8", json.Str("friendly_name"));
        Assert.Equal(api.AccountSid, json.Str("account_sid"));
        Assert.Equal("push", json.Str("factor_type"));
        Assert.Matches("^CR[0-9a-f]{32}$", json["config"].Str("credential_sid"));
        Assert.Equal(flavour == DeviceFlavour.Android ? "fcm" : "apn", json["config"].Str("notification_platform"));
        Assert.Equal(device.PushToken, json["config"].Str("notification_token"));
        Assert.Equal(device.SdkVersion, json["config"].Str("sdk_version"));
        Assert.Equal(device.AppId, json["config"].Str("app_id"));
        Assert.Matches(ApiResponse.TwilioDate(), json.Str("date_created")!);
        Assert.Equal($"http://localhost/v2/Services/{service}/Entities/{identity}/Factors/{factor.Sid}", json.Str("url"));
    }

    [Fact]
    public async Task The_create_response_has_binding_alg_and_public_key_and_the_push_config_keys()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var json = e.Device.Exchanges.First(x => x.Response.StatusCode == 201).Response.Json!.AsObject();
        Assert.Equal("ES256", json["binding"].Str("alg"));
        Assert.Equal(e.Factor.PublicKey, json["binding"].Str("public_key"));
        Assert.Equal(124, e.Factor.PublicKey.Length);
        Assert.True(json.ContainsKey("options"));
        var config = json["config"]!.AsObject();
        foreach (var key in (string[])["sdk_version", "app_id", "notification_platform", "notification_token"])
        {
            Assert.True(config.ContainsKey(key), key);
        }
    }

    [Theory]
    [InlineData(DeviceFlavour.Android)]
    [InlineData(DeviceFlavour.Ios)]
    public async Task A_factor_without_a_push_token_is_created_with_platform_none(DeviceFlavour flavour)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var device = api.Device(flavour);
        device.PushToken = null;
        await device.CreateFactorAsync(service, identity, await api.CreateAccessTokenAsync(service, identity));
        Assert.DoesNotContain("Config.NotificationToken", device.Exchanges[^1].Body);
        var config = device.LastResponse!.Json!["config"];
        Assert.Equal("none", config.Str("notification_platform"));
        Assert.Null(config!["notification_token"]);
    }

    [Fact]
    public async Task The_ios_body_flavour_with_raw_slashes_equals_and_metadata_is_accepted()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var device = api.Device(DeviceFlavour.Ios, seed: 7);
        device.PushToken = "a/b+c=d" + new string('0', 40);
        var factor = await device.CreateFactorAsync(service, identity, await api.CreateAccessTokenAsync(service, identity), "Jo's iPhone",
            new Dictionary<string, string> { ["os"] = "iOS", ["model"] = "iPhone 15,2" });
        var sent = device.Exchanges[^1].Body;
        Assert.StartsWith("FriendlyName=", sent);
        Assert.Contains("%2B", sent);
        Assert.Contains("Metadata=%7B%22", sent);
        Assert.Contains(":", sent);
        Assert.Contains(",", sent);
        Assert.Matches("Binding.PublicKey=[A-Za-z0-9/%]+==", sent);
        var json = device.LastResponse!.Json!;
        Assert.Equal(factor.PublicKey, json["binding"].Str("public_key"));
        Assert.Equal(device.PushToken, json["config"].Str("notification_token"));
        Assert.Equal("iPhone 15,2", json["metadata"].Str("model"));
    }

    [Fact]
    public async Task The_android_body_flavour_percent_encodes_slashes_pluses_and_equals()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync(DeviceFlavour.Android);
        var sent = e.Device.Exchanges[0].Body;
        Assert.Equal(["FriendlyName", "FactorType", "Binding.PublicKey", "Binding.Alg", "Config.SdkVersion", "Config.AppId", "Config.NotificationPlatform", "Config.NotificationToken"],
            sent.Split('&').Select(p => p[..p.IndexOf('=')]));
        Assert.Contains("%3D%3D", sent);
        Assert.Equal(e.Factor.PublicKey, e.Device.Exchanges[0].Response.Json!["binding"].Str("public_key"));
    }

    [Fact]
    public async Task Metadata_sent_as_a_json_string_comes_back_as_a_json_object()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var device = api.Device();
        var factor = await device.CreateFactorAsync(service, identity, await api.CreateAccessTokenAsync(service, identity), metadata: new Dictionary<string, string> { ["os"] = "Android" });
        Assert.Equal("""{"os":"Android"}""", device.LastResponse!.Json!["metadata"]!.ToJsonString());
        var fetched = (await api.Account.GetAsync($"/v2/Services/{service}/Entities/{identity}/Factors/{factor.Sid}")).Expect(200);
        Assert.Equal("Android", fetched["metadata"].Str("os"));
    }

    [Fact]
    public async Task A_factor_created_without_Metadata_has_metadata_null()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var fetched = (await api.Account.GetAsync(e.FactorPath)).Expect(200);
        Assert.True(fetched.ContainsKey("metadata"));
        Assert.Null(fetched["metadata"]);
    }

    [Theory]
    [InlineData("[\"os\"]")]
    [InlineData("{\"os\":1}")]
    [InlineData("{\"os\":{\"name\":\"Android\"}}")]
    [InlineData("{os:Android}")]
    [InlineData("\"Android\"")]
    [InlineData("{\"a\":\"1\",\"a\":\"2\"}")]
    public async Task Metadata_that_is_not_a_json_object_of_strings_returns_60200_and_creates_nothing(string metadata)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var response = await api.Account.PostAsync($"/v2/Services/{service}/Entities/{identity}/Factors", [.. BackendFactorForm(), ("Metadata", metadata)]);
        response.ExpectError(60200, 400);
        (await api.Account.GetAsync($"/v2/Services/{service}/Entities/{identity}")).ExpectError(20404, 404);
    }

    [Fact]
    public async Task Metadata_over_1024_characters_returns_60200()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var metadata = "{\"k\":\"" + new string('x', 1020) + "\"}";
        (await api.Account.PostAsync($"/v2/Services/{service}/Entities/{TestApi.NewIdentity()}/Factors", [.. BackendFactorForm(), ("Metadata", metadata)])).ExpectError(60200, 400);
    }

    [Theory]
    [InlineData("FriendlyName")]
    [InlineData("FactorType")]
    [InlineData("Binding.PublicKey")]
    [InlineData("Config.AppId")]
    [InlineData("Config.SdkVersion")]
    [InlineData("Config.NotificationToken")]
    public async Task A_push_factor_missing_a_required_parameter_returns_20001(string missing)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var form = BackendFactorForm().Where(p => p.Item1 != missing).ToArray();
        (await api.Account.PostAsync($"/v2/Services/{service}/Entities/{TestApi.NewIdentity()}/Factors", form)).ExpectError(20001, 400);
    }

    [Theory]
    [InlineData("Config.NotificationToken", 31)]
    [InlineData("Config.NotificationToken", 256)]
    [InlineData("Config.AppId", 101)]
    [InlineData("FriendlyName", 65)]
    public async Task Push_config_values_of_the_wrong_length_return_60200(string key, int length)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var form = BackendFactorForm().Where(p => p.Item1 != key).Append((key, new string('t', length))).ToArray();
        (await api.Account.PostAsync($"/v2/Services/{service}/Entities/{TestApi.NewIdentity()}/Factors", form)).ExpectError(60200, 400);
    }

    [Theory]
    [InlineData("Config.NotificationToken", 32)]
    [InlineData("Config.NotificationToken", 255)]
    [InlineData("Config.AppId", 100)]
    public async Task Push_config_values_at_the_length_limits_are_accepted(string key, int length)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var form = BackendFactorForm().Where(p => p.Item1 != key).Append((key, new string('t', length))).ToArray();
        (await api.Account.PostAsync($"/v2/Services/{service}/Entities/{TestApi.NewIdentity()}/Factors", form)).Expect(201);
    }

    [Theory]
    [InlineData("gcm")]
    [InlineData("APN")]
    [InlineData("")]
    public async Task A_notification_platform_other_than_apn_fcm_or_none_returns_60200(string platform)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var form = BackendFactorForm().Where(p => p.Item1 != "Config.NotificationPlatform").Append(("Config.NotificationPlatform", platform)).ToArray();
        (await api.Account.PostAsync($"/v2/Services/{service}/Entities/{TestApi.NewIdentity()}/Factors", form)).ExpectError(60200, 400);
    }

    [Theory]
    [InlineData("Binding.PublicKey", "dGVzdF9rZXk=")]
    [InlineData("Binding.PublicKey", "not base64!")]
    [InlineData("Binding.Alg", "RS256")]
    [InlineData("FactorType", "sms")]
    public async Task A_bad_binding_or_factor_type_returns_60200(string key, string value)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var form = BackendFactorForm().Where(p => p.Item1 != key).Append((key, value)).ToArray();
        (await api.Account.PostAsync($"/v2/Services/{service}/Entities/{TestApi.NewIdentity()}/Factors", form)).ExpectError(60200, 400);
    }

    [Fact]
    public async Task A_P384_public_key_is_rejected_with_60200()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var form = BackendFactorForm().Where(p => p.Item1 != "Binding.PublicKey").Append(("Binding.PublicKey", P256PublicKey.Export(p384))).ToArray();
        (await api.Account.PostAsync($"/v2/Services/{service}/Entities/{TestApi.NewIdentity()}/Factors", form)).ExpectError(60200, 400);
    }

    [Fact]
    public async Task The_21st_push_factor_on_an_entity_returns_60315()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        for (var i = 0; i < 20; i++)
        {
            (await api.Account.PostAsync($"/v2/Services/{service}/Entities/{identity}/Factors", BackendFactorForm())).Expect(201);
        }

        (await api.Account.PostAsync($"/v2/Services/{service}/Entities/{identity}/Factors", BackendFactorForm())).ExpectError(60315, 400);
        var device = api.Device();
        var error = await Assert.ThrowsAsync<DeviceException>(async () => await device.CreateFactorAsync(service, identity, await api.CreateAccessTokenAsync(service, identity)));
        Assert.Equal(60315, error.ErrorCode);
        var list = (await api.Account.GetAsync($"/v2/Services/{service}/Entities/{identity}/Factors?PageSize=50")).Expect(200);
        Assert.Equal(20, list["factors"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("short7c")]
    [InlineData("dots.in.identity")]
    public async Task A_factor_under_an_invalid_identity_returns_60200_and_creates_nothing(string identity)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        (await api.Account.PostAsync($"/v2/Services/{service}/Entities/{identity}/Factors", BackendFactorForm())).ExpectError(60200, 400);
        Assert.Empty((await api.Account.GetAsync($"/v2/Services/{service}/Entities")).Expect(200)["entities"]!.AsArray());
    }

    [Fact]
    public async Task Verifying_an_already_verified_factor_again_keeps_it_verified()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        Assert.Equal("verified", await e.Device.VerifyFactorAsync(e.Factor));
    }

    [Fact]
    public async Task Creating_a_factor_creates_its_entity()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var entity = (await api.Account.GetAsync(e.EntityPath)).Expect(200);
        var factor = (await api.Account.GetAsync(e.FactorPath)).Expect(200);
        Assert.Equal(entity.Str("sid"), factor.Str("entity_sid"));
        Assert.Equal(e.Identity, factor.Str("identity"));
    }

    [Fact]
    public async Task A_totp_factor_returns_a_base32_secret_and_an_otpauth_uri()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync("My Service");
        var created = (await api.Account.PostAsync($"/v2/Services/{service}/Entities/{TestApi.NewIdentity()}/Factors", ("FriendlyName", "alice"), ("FactorType", "totp"))).Expect(201);
        var secret = created["binding"].Str("secret")!;
        Assert.Matches("^[A-Z2-7]{32}$", secret);
        Assert.Equal($"otpauth://totp/My%20Service:alice?secret={secret}&issuer=My%20Service&algorithm=SHA1&digits=6&period=30", created["binding"].Str("uri"));
        Assert.Equal(("unverified", "totp"), (created.Str("status"), created.Str("factor_type")));
        Assert.Equal("sha1", created["config"].Str("alg"));
        Assert.Equal(30, created["config"].Int("time_step"));
        Assert.Equal(6, created["config"].Int("code_length"));
        Assert.Equal(1, created["config"].Int("skew"));
    }

    internal static (string, string)[] BackendFactorForm()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return
        [
            ("FriendlyName", "Backend phone"), ("FactorType", "push"), ("Binding.PublicKey", P256PublicKey.Export(key)), ("Binding.Alg", "ES256"),
            ("Config.SdkVersion", "0.9.0"), ("Config.AppId", "com.example.app"), ("Config.NotificationPlatform", "fcm"), ("Config.NotificationToken", new string('f', 64)),
        ];
    }
}
