using System.Net;

namespace OpenVerify.Client.Tests;

public sealed class ClockSyncTests
{
    // 30 seconds ahead of TestDevice.Start.
    private const string ServerDate = "Thu, 01 Jan 2026 12:00:30 GMT";

    private static (string, string) Date(string value = ServerDate) => ("Date", value);

    [Fact]
    public async Task A_401_with_date_syncs_the_clock_and_retries_once_with_a_new_jwt()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api
            .Answer(HttpStatusCode.Unauthorized, Fixtures.Error(20003, 401, "Authenticate"), Date())
            .Answer(HttpStatusCode.OK, Fixtures.GetChallengePendingValid);

        await device.Client.GetChallengeAsync("challengeSid", factor.Sid);

        Assert.Equal(2, device.Api.Requests.Count);
        using var first = device.Api.Requests[0].DeviceJwt;
        using var retry = device.Api.Requests[1].DeviceJwt;
        var local = TestDevice.Start.ToUnixTimeSeconds();
        Assert.Equal(local, first.Payload.RootElement.GetProperty("nbf").GetInt64());
        Assert.Equal(local + 30, retry.Payload.RootElement.GetProperty("nbf").GetInt64());
        Assert.Equal(local + 30 + 600, retry.Payload.RootElement.GetProperty("exp").GetInt64());
        Assert.True(retry.VerifyEs256(device.PublicKey));
    }

    [Fact]
    public async Task The_correction_is_persisted_in_the_factor_store_and_used_for_later_jwts()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api
            .Answer(HttpStatusCode.Unauthorized, Fixtures.Error(20003, 401, "Authenticate"), Date())
            .Answer(HttpStatusCode.OK, Fixtures.GetChallengePendingValid)
            .Answer(HttpStatusCode.OK, Fixtures.GetChallengePendingValid);

        await device.Client.GetChallengeAsync("challengeSid", factor.Sid);
        device.Time.Advance(TimeSpan.FromSeconds(5));
        await device.Client.GetChallengeAsync("challengeSid", factor.Sid);

        Assert.Equal(30, await device.Factors.GetTimeCorrectionAsync());
        using var later = device.Api.Requests[2].DeviceJwt;
        Assert.Equal(TestDevice.Start.ToUnixTimeSeconds() + 5 + 30, later.Payload.RootElement.GetProperty("nbf").GetInt64());
    }

    [Fact]
    public async Task A_server_behind_the_device_gives_a_negative_correction()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api
            .Answer(HttpStatusCode.Unauthorized, "", Date("Thu, 01 Jan 2026 11:58:00 GMT"))
            .Answer(HttpStatusCode.OK, Fixtures.VerifyFactorValid);

        await device.Client.VerifyFactorAsync(new VerifyPushFactorPayload(factor.Sid));

        Assert.Equal(-120, await device.Factors.GetTimeCorrectionAsync());
        Assert.Equal(device.Api.Requests[0].Body, device.Api.Requests[1].Body);
    }

    [Fact]
    public async Task A_second_401_is_a_network_error()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api
            .Answer(HttpStatusCode.Unauthorized, Fixtures.Error(20003, 401, "Authenticate"), Date())
            .Answer(HttpStatusCode.Unauthorized, Fixtures.Error(20003, 401, "Authenticate"), Date());

        var error = await Expect.ErrorAsync(ErrorCategory.Network, () => device.Client.GetChallengeAsync("challengeSid", factor.Sid));

        Assert.Equal(401, error.HttpStatus);
        Assert.Equal(20003, error.ApiCode);
        Assert.Equal(2, device.Api.Requests.Count);
    }

    [Fact]
    public async Task A_401_without_date_is_not_retried()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.Unauthorized, Fixtures.Error(20003, 401, "Authenticate"));

        await Expect.ErrorAsync(ErrorCategory.Network, () => device.Client.GetChallengeAsync("challengeSid", factor.Sid));

        Assert.Single(device.Api.Requests);
        Assert.Equal(0, await device.Factors.GetTimeCorrectionAsync());
    }

    [Fact]
    public async Task A_401_with_an_unparseable_date_is_a_network_error_like_android()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.Unauthorized, "", Date("yesterday"));

        await Expect.ErrorAsync(ErrorCategory.Network, () => device.Client.GetChallengeAsync("challengeSid", factor.Sid));

        Assert.Single(device.Api.Requests);
        Assert.Equal(0, await device.Factors.GetTimeCorrectionAsync());
    }

    [Fact]
    public async Task Other_failures_with_a_date_are_not_retried()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.Forbidden, Fixtures.Error(20403, 403, "Forbidden"), Date());

        await Expect.ErrorAsync(ErrorCategory.Network, () => device.Client.GetChallengeAsync("challengeSid", factor.Sid));

        Assert.Single(device.Api.Requests);
    }

    [Theory]
    [InlineData("Tue, 21 Jul 2020 17:07:32 GMT", 1595351252)]
    [InlineData("Thu, 01 Jan 2026 12:00:30 GMT", 1767268830)]
    public void Http_dates_parse_as_rfc_1123(string value, long unixSeconds)
    {
        Assert.True(ApiTransport.TryParseHttpDate(value, out var date));
        Assert.Equal(unixSeconds, date.ToUnixTimeSeconds());
    }
}
