using System.Net;
using System.Security.Cryptography;
using System.Text;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.Client.Tests;

public sealed class VerifyFactorTests
{
    [Fact]
    public async Task Verify_posts_a_der_signature_over_the_factor_sid_with_the_device_jwt()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.VerifyFactorValid);

        await device.Client.VerifyFactorAsync(new VerifyPushFactorPayload(factor.Sid));

        var request = Assert.Single(device.Api.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal($"Services/{TestDevice.ServiceSid}/Entities/{TestDevice.Identity}/Factors/factorSid", request.Path);
        Expect.SdkHeaders(request, accept: "application/json");
        var pair = Assert.Single(request.Form);
        Assert.Equal("AuthPayload", pair.Key);
        var der = Convert.FromBase64String(pair.Value);
        Assert.True(device.PublicKey.VerifyData(Encoding.UTF8.GetBytes("factorSid"), der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        using var jwt = request.DeviceJwt;
        Assert.True(jwt.VerifyEs256(device.PublicKey));
    }

    [Fact]
    public async Task Device_jwt_has_the_sdk_header_and_payload_in_integer_seconds()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.VerifyFactorValid);

        await device.Client.VerifyFactorAsync(new VerifyPushFactorPayload(factor.Sid));

        using var jwt = device.Api.LastRequest.DeviceJwt;
        var now = TestDevice.Start.ToUnixTimeSeconds();
        Assert.Equal("""{"cty":"twilio-pba;v=1","kid":"credentialSid","typ":"JWT","alg":"ES256"}""", jwt.Header.RootElement.GetRawText());
        Assert.Equal($$"""{"sub":"accountSid","exp":{{now + 600}},"nbf":{{now}}}""", jwt.Payload.RootElement.GetRawText());
        var signature = device.Api.LastRequest.BasicSecret.Split('.')[2];
        Assert.True(Base64Url.TryDecode(signature, out var raw));
        Assert.Equal(64, raw.Length);
    }

    [Fact]
    public async Task Verified_status_is_stored()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.VerifyFactorValid);

        var verified = await device.Client.VerifyFactorAsync(new VerifyPushFactorPayload(factor.Sid));

        Assert.Equal(FactorStatus.Verified, verified.Status);
        Assert.Equal(FactorStatus.Verified, Assert.Single(await device.Client.GetAllFactorsAsync()).Status);
    }

    [Fact]
    public async Task Invalid_fixture_is_a_mapper_error_and_the_factor_stays_unverified()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.Invalid);

        await Expect.ErrorAsync(ErrorCategory.Mapper, () => device.Client.VerifyFactorAsync(new VerifyPushFactorPayload(factor.Sid)));

        Assert.Equal(FactorStatus.Unverified, Assert.Single(await device.Client.GetAllFactorsAsync()).Status);
    }

    [Fact]
    public async Task Rejected_signature_is_a_network_error_with_the_server_code()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.Forbidden, Fixtures.Error(60311, 403, "Factor verification failed"));

        var error = await Expect.ErrorAsync(ErrorCategory.Network, () => device.Client.VerifyFactorAsync(new VerifyPushFactorPayload(factor.Sid)));

        Assert.Equal(60311, error.ApiCode);
        Assert.Equal(403, error.HttpStatus);
    }

    [Fact]
    public async Task Unknown_factor_is_a_storage_error_without_a_request()
    {
        using var device = new TestDevice();

        await Expect.ErrorAsync(ErrorCategory.Storage, () => device.Client.VerifyFactorAsync(new VerifyPushFactorPayload("YFnothere")));

        Assert.Empty(device.Api.Requests);
    }

    [Fact]
    public async Task Missing_key_is_a_key_storage_error()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        await device.Keys.DeleteAsync(factor.KeyAlias);

        await Expect.ErrorAsync(ErrorCategory.KeyStorage, () => device.Client.VerifyFactorAsync(new VerifyPushFactorPayload(factor.Sid)));
    }
}
