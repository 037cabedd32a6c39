using System.Net;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.Client.Tests;

public sealed class CreateFactorTests
{
    [Fact]
    public async Task Create_posts_the_android_form_with_the_access_token()
    {
        using var device = new TestDevice();
        device.Api.Answer(HttpStatusCode.Created, Fixtures.CreateFactorValid);

        await device.Client.CreateFactorAsync(TestDevice.Payload());

        var request = Assert.Single(device.Api.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal($"{TestDevice.BaseUrl}Services/{TestDevice.ServiceSid}/Entities/{TestDevice.Identity}/Factors", request.Uri.AbsoluteUri);
        Assert.Equal(TestDevice.AccessToken, request.BasicSecret);
        Expect.SdkHeaders(request, accept: "application/json");
        Assert.Equal(
            ["FriendlyName", "FactorType", "Binding.PublicKey", "Binding.Alg", "Config.SdkVersion", "Config.AppId", "Config.NotificationPlatform", "Config.NotificationToken"],
            request.Form.Select(p => p.Key));
        Assert.Equal("push", request.FormValue("FactorType"));
        Assert.Equal("ES256", request.FormValue("Binding.Alg"));
        Assert.Equal("0.9.0", request.FormValue("Config.SdkVersion"));
        Assert.Equal("com.example.app", request.FormValue("Config.AppId"));
        Assert.Equal("fcm", request.FormValue("Config.NotificationPlatform"));
        Assert.Equal(TestDevice.PushToken, request.FormValue("Config.NotificationToken"));
        // Note: Android's Uri.encode escapes : / + = and keeps nothing outside A-Za-z0-9_-!.~'()*.
        Assert.Contains("Config.NotificationToken=fcm-token%3Aabc%2Fdef%2Bghi", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Public_key_is_base64_spki_of_a_p256_key_kept_in_the_key_store()
    {
        using var device = new TestDevice();
        device.Api.Answer(HttpStatusCode.Created, Fixtures.CreateFactorValid);

        var factor = await device.Client.CreateFactorAsync(TestDevice.Payload());

        var publicKey = device.Api.LastRequest.FormValue("Binding.PublicKey");
        Assert.Equal(124, publicKey.Length);
        Assert.StartsWith("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", publicKey, StringComparison.Ordinal);
        Assert.True(P256PublicKey.TryImport(publicKey, out var key));
        key.Dispose();
        Assert.Matches("^[A-Za-z0-9]{15}$", factor.KeyAlias);
        Assert.Equal([factor.KeyAlias], device.Keys.Aliases);
    }

    [Fact]
    public async Task Create_maps_the_fixture_and_stores_the_factor()
    {
        using var device = new TestDevice();
        device.Api.Answer(HttpStatusCode.Created, Fixtures.CreateFactorValid);

        var factor = await device.Client.CreateFactorAsync(TestDevice.Payload());

        Assert.Equal("factorSid", factor.Sid);
        Assert.Equal("friendlyName", factor.FriendlyName);
        Assert.Equal("accountSid", factor.AccountSid);
        Assert.Equal(TestDevice.ServiceSid, factor.ServiceSid);
        Assert.Equal(TestDevice.Identity, factor.Identity);
        Assert.Equal(FactorStatus.Unverified, factor.Status);
        Assert.Equal(new DateTimeOffset(2020, 2, 19, 16, 39, 57, TimeSpan.Zero), factor.CreatedAt);
        Assert.Equal("credentialSid", factor.CredentialSid);
        Assert.Equal("fcm", factor.NotificationPlatform);
        Assert.Equal(FactorType.Push, factor.Type);
        Assert.Equal([factor], await device.Client.GetAllFactorsAsync());
    }

    [Fact]
    public async Task Create_without_push_token_sends_platform_none_and_no_token()
    {
        using var device = new TestDevice();
        device.Api.Answer(HttpStatusCode.Created, Fixtures.CreateFactorValid);

        var factor = await device.Client.CreateFactorAsync(TestDevice.Payload(pushToken: "  "));

        Assert.Equal("none", device.Api.LastRequest.FormValue("Config.NotificationPlatform"));
        Assert.DoesNotContain(device.Api.LastRequest.Form, p => p.Key == "Config.NotificationToken");
        Assert.Equal("none", factor.NotificationPlatform);
    }

    [Fact]
    public async Task Create_sends_metadata_as_a_json_object_string_last()
    {
        using var device = new TestDevice();
        device.Api.Answer(HttpStatusCode.Created, Fixtures.CreateFactorValid);

        await device.Client.CreateFactorAsync(TestDevice.Payload(metadata: new Dictionary<string, string> { ["os"] = "Android" }));

        Assert.Equal("Metadata", device.Api.LastRequest.Form[^1].Key);
        Assert.Equal("""{"os":"Android"}""", device.Api.LastRequest.FormValue("Metadata"));
        Assert.EndsWith("&Metadata=%7B%22os%22%3A%22Android%22%7D", device.Api.LastRequest.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_fixture_is_a_mapper_error_and_leaves_no_key_or_factor()
    {
        using var device = new TestDevice();
        device.Api.Answer(HttpStatusCode.Created, Fixtures.Invalid);

        await Expect.ErrorAsync(ErrorCategory.Mapper, () => device.Client.CreateFactorAsync(TestDevice.Payload()));

        Assert.Empty(device.Keys.Aliases);
        Assert.Empty(await device.Client.GetAllFactorsAsync());
    }

    [Fact]
    public async Task Ios_fixture_with_a_trailing_comma_is_a_mapper_error()
    {
        using var device = new TestDevice();
        device.Api.Answer(HttpStatusCode.Created, Fixtures.IosCreateFactorWithTrailingComma);

        await Expect.ErrorAsync(ErrorCategory.Mapper, () => device.Client.CreateFactorAsync(TestDevice.Payload()));
    }

    [Fact]
    public async Task Missing_credential_sid_is_a_mapper_error()
    {
        using var device = new TestDevice();
        device.Api.Answer(HttpStatusCode.Created, Fixtures.CreateFactorValid.Replace("credential_sid", "other", StringComparison.Ordinal));

        await Expect.ErrorAsync(ErrorCategory.Mapper, () => device.Client.CreateFactorAsync(TestDevice.Payload()));
    }

    [Fact]
    public async Task Rejected_access_token_is_a_network_error_with_the_twilio_code_and_no_retry()
    {
        using var device = new TestDevice();
        device.Api.Answer(HttpStatusCode.Unauthorized, Fixtures.Error(20003, 401, "Authenticate"), ("Date", "Thu, 01 Jan 2026 12:00:00 GMT"));

        var error = await Expect.ErrorAsync(ErrorCategory.Network, () => device.Client.CreateFactorAsync(TestDevice.Payload()));

        Assert.Equal(20003, error.ApiCode);
        Assert.Equal(401, error.HttpStatus);
        Assert.Equal("Authenticate", error.ApiMessage);
        Assert.Equal("https://www.twilio.com/docs/errors/20003", error.MoreInfo);
        Assert.Single(device.Api.Requests);
        Assert.Empty(device.Keys.Aliases);
    }

    [Theory]
    [InlineData("bad/identity")]
    [InlineData("bad?identity")]
    [InlineData("bad identity")]
    [InlineData("")]
    public async Task Identity_that_would_change_the_url_is_an_input_error_before_any_request(string identity)
    {
        using var device = new TestDevice();

        await Expect.InputErrorAsync(
            InputErrorReason.InvalidInput,
            () => device.Client.CreateFactorAsync(TestDevice.Payload() with { Identity = identity }));

        Assert.Empty(device.Api.Requests);
        Assert.Empty(device.Keys.Aliases);
    }

    [Fact]
    public async Task Empty_access_token_is_an_input_error()
    {
        using var device = new TestDevice();

        await Expect.InputErrorAsync(InputErrorReason.InvalidInput, () => device.Client.CreateFactorAsync(TestDevice.Payload() with { AccessToken = "" }));
    }
}
