using OpenVerify.TestKit.Devices;

namespace OpenVerify.Server.Tests.Challenges;

public sealed class ListChallengeTests
{
    private static async Task<List<string>> CreateManyAsync(TestApi api, Enrolment e, int count)
    {
        var sids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            sids.Add((await api.CreateChallengeAsync(e, ("Details.Message", $"Challenge {i}"))).Str("sid")!);
            api.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        return sids;
    }

    [Theory]
    [InlineData(DeviceFlavour.Android)]
    [InlineData(DeviceFlavour.Ios)]
    public async Task A_device_pages_through_its_challenges_with_the_page_token_from_next_page_url(DeviceFlavour flavour)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync(flavour);
        var sids = await CreateManyAsync(api, e, 5);
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await e.Device.ListChallengesAsync(e.Factor, 2, pageToken: token);
            Assert.Equal(2, page.PageSize);
            Assert.Equal(pages, page.Page);
            seen.AddRange(page.Challenges.Select(c => c.Str("sid")!));
            token = page.NextPageToken;
            if (token is not null)
            {
                Assert.Contains("PageToken=" + token, page.Response.Json!["meta"].Str("next_page_url"));
            }

            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(sids, seen);
        var query = e.Device.Exchanges[^1].Url;
        Assert.Contains(flavour == DeviceFlavour.Android ? "&PageToken=" : "&pageToken=", query);
    }

    [Fact]
    public async Task A_device_that_sends_only_the_page_token_sees_the_right_page_number_and_a_previous_page()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sids = await CreateManyAsync(api, e, 5);
        var first = await e.Device.ListChallengesAsync(e.Factor, 2);
        Assert.Null(first.PreviousPageToken);
        var second = await e.Device.ListChallengesAsync(e.Factor, 2, pageToken: first.NextPageToken);
        var third = await e.Device.ListChallengesAsync(e.Factor, 2, pageToken: second.NextPageToken);
        Assert.Equal([0, 1, 2], new[] { first.Page, second.Page, third.Page });
        Assert.NotNull(third.PreviousPageToken);
        var back = await e.Device.ListChallengesAsync(e.Factor, 2, pageToken: third.PreviousPageToken);
        Assert.Equal(1, back.Page);
        Assert.Equal(sids[2..4], back.Challenges.Select(c => c.Str("sid")));
        Assert.Equal(second.Challenges.Select(c => c.Str("sid")), back.Challenges.Select(c => c.Str("sid")));
    }

    [Fact]
    public async Task The_page_token_is_accepted_before_or_after_the_other_parameters()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sids = await CreateManyAsync(api, e, 3);
        var first = (await api.Account.GetAsync($"{e.EntityPath}/Challenges?PageSize=1")).Expect(200);
        var next = first["meta"].Str("next_page_url")!;
        var token = next[(next.IndexOf("PageToken=", StringComparison.Ordinal) + "PageToken=".Length)..].Split('&')[0];
        var leading = (await api.Account.GetAsync($"{e.EntityPath}/Challenges?pageToken={token}&PageSize=1&Page=1")).Expect(200);
        var trailing = (await api.Account.GetAsync($"{e.EntityPath}/Challenges?PageSize=1&Page=1&PageToken={token}")).Expect(200);
        Assert.Equal([sids[1]], leading.Sids("challenges"));
        Assert.Equal([sids[1]], trailing.Sids("challenges"));
    }

    [Fact]
    public async Task Order_desc_lists_newest_first_and_asc_is_the_default()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sids = await CreateManyAsync(api, e, 4);
        Assert.Equal(sids, (await api.Account.GetAsync($"{e.EntityPath}/Challenges")).Expect(200).Sids("challenges"));
        Assert.Equal(sids, (await api.Account.GetAsync($"{e.EntityPath}/Challenges?Order=asc")).Expect(200).Sids("challenges"));
        var desc = Enumerable.Reverse(sids).ToList();
        Assert.Equal(desc, (await api.Account.GetAsync($"{e.EntityPath}/Challenges?Order=desc")).Expect(200).Sids("challenges"));
        var page = await e.Device.ListChallengesAsync(e.Factor, 3, order: "desc");
        var rest = await e.Device.ListChallengesAsync(e.Factor, 3, order: "desc", pageToken: page.NextPageToken);
        Assert.Equal(desc, page.Challenges.Concat(rest.Challenges).Select(c => c.Str("sid")));
        Assert.Null(rest.NextPageToken);
    }

    [Fact]
    public async Task Status_filters_pending_approved_denied_and_lazily_expired_challenges()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var expiring = (await api.CreateChallengeAsync(e, ("ExpirationDate", api.Clock.GetUtcNow().AddMinutes(1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)))).Str("sid")!;
        var approved = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var denied = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var pending = (await api.CreateChallengeAsync(e)).Str("sid")!;
        await e.Device.ApproveAsync(e.Factor, approved);
        await e.Device.DenyAsync(e.Factor, denied);
        api.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal([pending], (await e.Device.ListChallengesAsync(e.Factor, 50, "pending")).Challenges.Select(c => c.Str("sid")));
        Assert.Equal([approved], (await e.Device.ListChallengesAsync(e.Factor, 50, "approved")).Challenges.Select(c => c.Str("sid")));
        Assert.Equal([denied], (await e.Device.ListChallengesAsync(e.Factor, 50, "denied")).Challenges.Select(c => c.Str("sid")));
        var expired = (await e.Device.ListChallengesAsync(e.Factor, 50, "expired")).Challenges;
        Assert.Equal([expiring], expired.Select(c => c.Str("sid")));
        Assert.Equal("expired", expired[0].Str("status"));
        (await api.Account.GetAsync($"{e.EntityPath}/Challenges?Status=unknown")).ExpectError(60200, 400);
        (await api.Account.GetAsync($"{e.EntityPath}/Challenges?Order=newest")).ExpectError(60200, 400);
    }

    [Fact]
    public async Task FactorSid_filters_to_that_factors_challenges()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var phone = await api.EnrolAsync(service, identity);
        var tablet = await api.EnrolAsync(service, identity);
        var p = (await api.CreateChallengeAsync(phone)).Str("sid")!;
        var t = (await api.CreateChallengeAsync(tablet)).Str("sid")!;
        Assert.Equal([p, t], (await api.Account.GetAsync($"{phone.EntityPath}/Challenges")).Expect(200).Sids("challenges"));
        Assert.Equal([t], (await api.Account.GetAsync($"{phone.EntityPath}/Challenges?FactorSid={tablet.Factor.Sid}")).Expect(200).Sids("challenges"));
        Assert.Equal([p], (await phone.Device.ListChallengesAsync(phone.Factor, 10)).Challenges.Select(c => c.Str("sid")));
        (await api.Account.GetAsync($"{phone.EntityPath}/Challenges?FactorSid=YF1")).ExpectError(60200, 400);
    }

    [Fact]
    public async Task A_device_cannot_list_another_factors_challenges()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var phone = await api.EnrolAsync(service, identity);
        var tablet = await api.EnrolAsync(service, identity);
        await api.CreateChallengeAsync(phone);
        var response = await tablet.Device.SendAsync(HttpMethod.Get, $"Services/{service}/Entities/{identity}/Challenges?FactorSid={phone.Factor.Sid}&PageSize=10&Order=asc", [],
            tablet.Device.CreateDeviceJwt(tablet.Factor));
        Assert.Contains(response.StatusCode, new[] { 401, 403, 404 });
        Assert.DoesNotContain("YC", response.Body);
    }

    [Fact]
    public async Task List_items_have_the_same_shape_as_a_fetch()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e, ("HiddenDetails", """{"k":"v"}"""))).Str("sid")!;
        var fetched = (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200);
        var listed = (await api.Account.GetAsync($"{e.EntityPath}/Challenges")).Expect(200)["challenges"]![0]!;
        Assert.Equal(fetched.ToJsonString(), listed.ToJsonString());
    }
}
