using System.Net;

namespace OpenVerify.Client.Tests;

public sealed class GetChallengeTests
{
    [Fact]
    public async Task Get_sends_the_odd_get_headers_and_maps_the_pending_fixture()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.GetChallengePendingValid, TestDevice.SignatureFields());

        var challenge = await device.Client.GetChallengeAsync("challengeSid", factor.Sid);

        var request = Assert.Single(device.Api.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal($"Services/{TestDevice.ServiceSid}/Entities/{TestDevice.Identity}/Challenges/challengeSid", request.Path);
        Assert.Equal("", request.Uri.Query);
        // Note: the SDK's GET says Accept: application/x-www-form-urlencoded, literally.
        Expect.SdkHeaders(request, accept: "application/x-www-form-urlencoded");
        Assert.Equal("", request.Body);
        using var jwt = request.DeviceJwt;
        Assert.True(jwt.VerifyEs256(device.PublicKey));

        Assert.Equal("challengeSid", challenge.Sid);
        Assert.Equal("factorSid", challenge.FactorSid);
        Assert.Equal(ChallengeStatus.Pending, challenge.Status);
        Assert.Equal("message123", challenge.ChallengeDetails.Message);
        Assert.Equal([new ChallengeDetail("label123", "value123")], challenge.ChallengeDetails.Fields);
        Assert.Equal(new DateTimeOffset(2020, 2, 20, 0, 39, 57, TimeSpan.Zero), challenge.ChallengeDetails.Date);
        Assert.Equal("value1", challenge.HiddenDetails!["key1"]);
        Assert.Equal(new DateTimeOffset(2020, 2, 20, 0, 39, 57, TimeSpan.Zero), challenge.CreatedAt);
        Assert.Equal(new DateTimeOffset(2020, 2, 22, 2, 39, 57, TimeSpan.Zero), challenge.UpdatedAt);
        Assert.Equal(new DateTimeOffset(2020, 2, 27, 16, 50, 57, TimeSpan.Zero), challenge.ExpirationDate);
    }

    [Fact]
    public async Task Approved_fixture_maps_to_approved()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.GetChallengeApprovedValid);

        var challenge = await device.Client.GetChallengeAsync("challengeSid", factor.Sid);

        Assert.Equal(ChallengeStatus.Approved, challenge.Status);
    }

    [Fact]
    public async Task Challenge_of_another_factor_is_a_wrong_factor_input_error()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, TestDevice.Challenge(factorSid: "YFother"));

        await Expect.InputErrorAsync(InputErrorReason.WrongFactor, () => device.Client.GetChallengeAsync("challengeSid", factor.Sid));
    }

    [Fact]
    public async Task Invalid_body_is_a_mapper_error()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.Invalid);

        await Expect.ErrorAsync(ErrorCategory.Mapper, () => device.Client.GetChallengeAsync("challengeSid", factor.Sid));
    }

    [Fact]
    public async Task Details_date_that_does_not_parse_is_a_mapper_error()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.GetChallengePendingValid.Replace("\"date\":\"2020-02-19T16:39:57-08:00\"", "\"date\":\"yesterday\"", StringComparison.Ordinal));

        await Expect.ErrorAsync(ErrorCategory.Mapper, () => device.Client.GetChallengeAsync("challengeSid", factor.Sid));
    }

    [Fact]
    public async Task Empty_challenge_sid_is_an_input_error()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();

        await Expect.InputErrorAsync(InputErrorReason.EmptyChallengeSid, () => device.Client.GetChallengeAsync(" ", factor.Sid));
        await Expect.InputErrorAsync(InputErrorReason.EmptyFactorSid, () => device.Client.GetChallengeAsync("challengeSid", ""));
    }

    [Fact]
    public async Task Not_found_is_a_network_error_with_the_server_code()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.NotFound, Fixtures.Error(60391, 404, "Challenge not found"));

        var error = await Expect.ErrorAsync(ErrorCategory.Network, () => device.Client.GetChallengeAsync("challengeSid", factor.Sid));

        Assert.Equal(60391, error.ApiCode);
    }

    [Fact]
    public async Task Transport_failure_is_a_network_error()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(_ => throw new HttpRequestException("connection refused"));

        var error = await Expect.ErrorAsync(ErrorCategory.Network, () => device.Client.GetChallengeAsync("challengeSid", factor.Sid));

        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.Null(error.HttpStatus);
    }

    [Fact]
    public async Task Cancellation_is_not_wrapped()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => device.Client.GetChallengeAsync("challengeSid", factor.Sid, cancelled.Token));
    }
}
