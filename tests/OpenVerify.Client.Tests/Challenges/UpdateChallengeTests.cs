using System.Net;
using System.Text.Json;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.Client.Tests;

public sealed class UpdateChallengeTests
{
    private static UpdatePushChallengePayload Approve(string challengeSid = "challengeSid") =>
        new(TestDevice.FactorSid, challengeSid, ChallengeStatus.Approved);

    [Fact]
    public async Task Approve_gets_posts_a_signed_auth_payload_and_gets_again()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api
            .Answer(HttpStatusCode.OK, Fixtures.GetChallengePendingValid, TestDevice.SignatureFields())
            .Answer(HttpStatusCode.OK)
            .Answer(HttpStatusCode.OK, Fixtures.GetChallengeApprovedValid);

        var updated = await device.Client.UpdateChallengeAsync(Approve());

        Assert.Equal(ChallengeStatus.Approved, updated.Status);
        var path = $"Services/{TestDevice.ServiceSid}/Entities/{TestDevice.Identity}/Challenges/challengeSid";
        Assert.Equal([(HttpMethod.Get, path), (HttpMethod.Post, path), (HttpMethod.Get, path)], device.Api.Requests.Select(r => (r.Method, r.Path)));
        var post = device.Api.Requests[1];
        Expect.SdkHeaders(post, accept: "application/json");
        using var deviceJwt = post.DeviceJwt;
        Assert.True(deviceJwt.VerifyEs256(device.PublicKey));
        Assert.Equal("AuthPayload", Assert.Single(post.Form).Key);
    }

    [Fact]
    public async Task Auth_payload_signs_the_listed_fields_as_json_values_plus_the_new_status()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api
            .Answer(HttpStatusCode.OK, Fixtures.GetChallengePendingValid, TestDevice.SignatureFields())
            .Answer(HttpStatusCode.OK)
            .Answer(HttpStatusCode.OK, TestDevice.Challenge(status: "denied"));

        await device.Client.UpdateChallengeAsync(Approve() with { Status = ChallengeStatus.Denied });

        Assert.True(CompactJws.TryParse(device.Api.Requests[1].FormValue("AuthPayload"), out var jws));
        using (jws)
        {
            Assert.Equal("""{"typ":"JWT","alg":"ES256"}""", jws.Header.RootElement.GetRawText());
            Assert.True(jws.VerifyEs256(device.PublicKey));
            using var body = JsonDocument.Parse(Fixtures.GetChallengePendingValid);
            var payload = jws.Payload.RootElement;
            Assert.Equal(Fixtures.PendingSignatureFields.Split(','), payload.EnumerateObject().Select(p => p.Name));
            foreach (var field in Fixtures.PendingSignatureFields.Split(',').Where(f => f != "status"))
            {
                Assert.True(JsonElement.DeepEquals(body.RootElement.GetProperty(field), payload.GetProperty(field)), field);
            }

            Assert.Equal("denied", payload.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Object, payload.GetProperty("details").ValueKind);
        }
    }

    [Fact]
    public async Task Status_is_appended_when_not_listed_and_only_the_first_header_line_counts()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api
            .Answer(HttpStatusCode.OK, Fixtures.GetChallengePendingValid, TestDevice.SignatureFields("sid,hidden_details"), TestDevice.SignatureFields("details"))
            .Answer(HttpStatusCode.OK)
            .Answer(HttpStatusCode.OK, Fixtures.GetChallengeApprovedValid);

        await device.Client.UpdateChallengeAsync(Approve());

        Assert.True(CompactJws.TryParse(device.Api.Requests[1].FormValue("AuthPayload"), out var jws));
        using (jws)
        {
            Assert.Equal("""{"sid":"challengeSid","hidden_details":{"key1":"value1"},"status":"approved"}""", jws.Payload.RootElement.GetRawText());
        }
    }

    [Fact]
    public async Task Expired_challenge_is_refused_before_posting()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, TestDevice.Challenge(status: "expired"), TestDevice.SignatureFields());

        await Expect.InputErrorAsync(InputErrorReason.ExpiredChallenge, () => device.Client.UpdateChallengeAsync(Approve()));

        Assert.Single(device.Api.Requests);
    }

    [Fact]
    public async Task Already_updated_challenge_is_refused_before_posting()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.GetChallengeApprovedValid, TestDevice.SignatureFields());

        await Expect.InputErrorAsync(InputErrorReason.AlreadyUpdatedChallenge, () => device.Client.UpdateChallengeAsync(Approve()));

        Assert.Single(device.Api.Requests);
    }

    [Fact]
    public async Task Challenge_of_another_factor_is_refused_before_posting()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, TestDevice.Challenge(factorSid: "YFother"), TestDevice.SignatureFields());

        await Expect.InputErrorAsync(InputErrorReason.WrongFactor, () => device.Client.UpdateChallengeAsync(Approve()));

        Assert.Single(device.Api.Requests);
    }

    [Fact]
    public async Task Missing_signature_fields_header_is_refused_before_posting()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.GetChallengePendingValid);

        await Expect.InputErrorAsync(InputErrorReason.SignatureFields, () => device.Client.UpdateChallengeAsync(Approve()));

        Assert.Single(device.Api.Requests);
    }

    [Fact]
    public async Task Listed_field_missing_from_the_body_is_refused_before_posting()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.GetChallengePendingValid, TestDevice.SignatureFields("sid,nope"));

        await Expect.InputErrorAsync(InputErrorReason.SignatureFields, () => device.Client.UpdateChallengeAsync(Approve()));

        Assert.Single(device.Api.Requests);
    }

    [Fact]
    public async Task Status_not_changed_after_the_post_is_not_updated()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api
            .Answer(HttpStatusCode.OK, Fixtures.GetChallengePendingValid, TestDevice.SignatureFields())
            .Answer(HttpStatusCode.OK)
            .Answer(HttpStatusCode.OK, Fixtures.GetChallengePendingValid, TestDevice.SignatureFields());

        await Expect.InputErrorAsync(InputErrorReason.NotUpdatedChallenge, () => device.Client.UpdateChallengeAsync(Approve()));

        Assert.Equal(3, device.Api.Requests.Count);
    }

    [Fact]
    public async Task Rejected_post_is_a_network_error_with_the_server_code()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api
            .Answer(HttpStatusCode.OK, Fixtures.GetChallengePendingValid, TestDevice.SignatureFields())
            .Answer(HttpStatusCode.Forbidden, Fixtures.Error(60324, 403, "Challenge verification failed"));

        var error = await Expect.ErrorAsync(ErrorCategory.Network, () => device.Client.UpdateChallengeAsync(Approve()));

        Assert.Equal(60324, error.ApiCode);
        Assert.Equal(2, device.Api.Requests.Count);
    }

    [Fact]
    public async Task Missing_key_is_a_key_storage_error_before_any_request()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        await device.Keys.DeleteAsync(factor.KeyAlias);

        await Expect.ErrorAsync(ErrorCategory.KeyStorage, () => device.Client.UpdateChallengeAsync(Approve()));

        Assert.Empty(device.Api.Requests);
    }

    [Fact]
    public async Task Unknown_factor_is_a_storage_error_and_empty_sid_an_input_error()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();

        await Expect.ErrorAsync(ErrorCategory.Storage, () => device.Client.UpdateChallengeAsync(Approve() with { FactorSid = "YFnothere" }));
        await Expect.InputErrorAsync(InputErrorReason.EmptyChallengeSid, () => device.Client.UpdateChallengeAsync(Approve("")));
        Assert.Empty(device.Api.Requests);
    }
}
