using OpenVerify.EndToEnd.Tests.Client.Infrastructure;

using OpenVerify.Client;

namespace OpenVerify.EndToEnd.Tests.Client;

/// <summary>Listing many challenges page by page through the server's next page tokens.</summary>
[Collection(ServerCollection.Name)]
public sealed class ChallengePagingTests(ServerFixture fixture)
{
    private const int Count = 120;
    private const int PageSize = 50;

    [Fact]
    public async Task One_hundred_twenty_challenges_come_in_pages_of_50_in_both_orders()
    {
        using var home = new TempDirectory("openverify-e2e-device");
        using var client = Device.Client(fixture.Server, home.Path);
        var service = await fixture.Backend.CreateServiceAsync();
        var identity = VerifyBackend.NewIdentity();
        var factor = await Device.EnrolAsync(client, fixture.Backend, service, identity);
        var created = new List<string>();
        for (var i = 0; i < Count; i++)
        {
            created.Add(await fixture.Backend.CreateChallengeAsync(service, identity, factor.Sid, $"Challenge {i}"));
        }

        var ascending = await ReadAllPagesAsync(client, factor.Sid, ChallengeListOrder.Asc);
        var descending = await ReadAllPagesAsync(client, factor.Sid, ChallengeListOrder.Desc);

        Assert.Equal(created, ascending);
        Assert.Equal(Enumerable.Reverse(created), descending);
    }

    private static async Task<List<string>> ReadAllPagesAsync(VerifyClient client, string factorSid, ChallengeListOrder order)
    {
        var sids = new List<string>();
        var sizes = new List<int>();
        string? token = null;
        do
        {
            var page = await client.GetAllChallengesAsync(new ChallengeListPayload(factorSid, PageSize, Order: order, PageToken: token));
            Assert.All(page.Challenges, c => Assert.Equal(factorSid, c.FactorSid));
            Assert.Equal(PageSize, page.Metadata.PageSize);
            sids.AddRange(page.Challenges.Select(c => c.Sid));
            sizes.Add(page.Challenges.Count);
            token = page.Metadata.NextPageToken;
            Assert.True(sizes.Count <= 3, "The server kept handing out next page tokens");
        }
        while (token is not null);

        Assert.Equal([50, 50, 20], sizes);
        Assert.Equal(sids.Count, sids.Distinct().Count());
        return sids;
    }
}
