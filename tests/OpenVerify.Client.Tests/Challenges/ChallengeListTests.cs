using System.Net;

namespace OpenVerify.Client.Tests;

public sealed class ChallengeListTests
{
    [Fact]
    public async Task List_sends_the_android_query_in_order()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.GetChallengesValid);

        await device.Client.GetAllChallengesAsync(new ChallengeListPayload(factor.Sid, 2, ChallengeStatus.Pending, ChallengeListOrder.Desc, "DN token/1"));

        var request = Assert.Single(device.Api.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal($"Services/{TestDevice.ServiceSid}/Entities/{TestDevice.Identity}/Challenges", request.Path);
        Assert.Equal("?PageSize=2&FactorSid=factorSid&Order=desc&Status=pending&PageToken=DN%20token%2F1", request.Uri.Query);
        Expect.SdkHeaders(request, accept: "application/x-www-form-urlencoded");
        using var jwt = request.DeviceJwt;
        Assert.True(jwt.VerifyEs256(device.PublicKey));
    }

    [Fact]
    public async Task List_without_status_or_token_sends_neither()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.GetChallengesValid);

        await device.Client.GetAllChallengesAsync(new ChallengeListPayload(factor.Sid, 10));

        Assert.Equal("?PageSize=10&FactorSid=factorSid&Order=asc", device.Api.LastRequest.Uri.Query);
    }

    [Fact]
    public async Task List_maps_the_fixture_and_reads_page_tokens_from_the_meta_urls()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.GetChallengesValid);

        var list = await device.Client.GetAllChallengesAsync(new ChallengeListPayload(factor.Sid, 2, ChallengeStatus.Pending));

        Assert.Equal(["YC0328e2a0xxxxxxxxxx4f81590ef8e102", "YC033ef130xxxxxxxxxx1a8cc4b16065e1"], list.Challenges.Select(c => c.Sid));
        Assert.All(list.Challenges, c => Assert.Null(c.HiddenDetails));
        Assert.Equal("ertertre", list.Challenges[0].ChallengeDetails.Fields[0].Value);
        Assert.Equal(new ChallengeListMetadata(0, 2, "DNYC032ef13349d312c1d31a8cc4b16065e1", "DNYC033ef13049d311c1d31a8cc4b16065e1"), list.Metadata);
    }

    [Fact]
    public async Task Next_page_token_goes_back_as_PageToken()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.GetChallengesValid).Answer(HttpStatusCode.OK, TestDevice.Page(null));

        var first = await device.Client.GetAllChallengesAsync(new ChallengeListPayload(factor.Sid, 2));
        var second = await device.Client.GetAllChallengesAsync(new ChallengeListPayload(factor.Sid, 2, PageToken: first.Metadata.NextPageToken));

        Assert.Equal("DNYC033ef13049d311c1d31a8cc4b16065e1", device.Api.LastRequest.Query.Single(p => p.Key == "PageToken").Value);
        Assert.Null(second.Metadata.NextPageToken);
        Assert.Empty(second.Challenges);
    }

    [Fact]
    public async Task Invalid_fixture_is_a_mapper_error()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.Invalid);

        await Expect.ErrorAsync(ErrorCategory.Mapper, () => device.Client.GetAllChallengesAsync(new ChallengeListPayload(factor.Sid, 2)));
    }

    [Fact]
    public async Task Page_as_a_string_is_a_mapper_error()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, Fixtures.GetChallengesValid.Replace("\"page\": 0", "\"page\": \"0\"", StringComparison.Ordinal));

        await Expect.ErrorAsync(ErrorCategory.Mapper, () => device.Client.GetAllChallengesAsync(new ChallengeListPayload(factor.Sid, 2)));
    }

    [Fact]
    public async Task One_bad_challenge_fails_the_whole_page()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, TestDevice.Page(null, TestDevice.Challenge(), Fixtures.Invalid));

        await Expect.ErrorAsync(ErrorCategory.Mapper, () => device.Client.GetAllChallengesAsync(new ChallengeListPayload(factor.Sid, 2)));
    }
}
