using OpenVerify.EndToEnd.Tests.Infrastructure;
using OpenVerify.TestKit.Devices;
using Twilio.Rest.Verify.V2;
using Twilio.Rest.Verify.V2.Service;
using Twilio.Rest.Verify.V2.Service.Entity;

namespace OpenVerify.EndToEnd.Tests;

/// <summary>
/// The helper's <c>ResourceSet</c> auto-paging: it GETs <c>meta.next_page_url</c> verbatim, so the
/// server's absolute URLs must lead back to it and the pages must add up to the whole list.
/// </summary>
[Collection(SharedServer.Name)]
public sealed class PagingTests(RunningServer running)
{
    private ServerProcess Server => running.Server;

    [Fact]
    public async Task Reading_services_two_per_page_follows_next_page_url_verbatim_to_the_end()
    {
        // A fresh account, so the list holds exactly what this test made.
        var account = await Server.CreateAccountAsync();
        var client = TwilioHelper.Client(Server.BaseUrl, account.Sid, account.AuthToken);
        var made = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            made.Add((await ServiceResource.CreateAsync(friendlyName: $"Paged {i}", client: client)).Sid);
        }

        var log = new RequestLog();
        var reader = TwilioHelper.Client(Server.BaseUrl, account.Sid, account.AuthToken, log: log);
        var all = (await ServiceResource.ReadAsync(pageSize: 2, client: reader)).ToList();

        Assert.Equal(made, all.Select(s => s.Sid));
        var gets = log.Entries.Where(e => e.StartsWith("GET ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, gets.Count);
        Assert.Equal("GET https://verify.twilio.com/v2/Services?PageSize=2", gets[0]);
        // Pages 2 and 3 are the server's own absolute next_page_url, requested as they were.
        Assert.All(gets.Skip(1), g =>
        {
            Assert.StartsWith("GET " + Server.BaseUrl.AbsoluteUri + "v2/Services?", g, StringComparison.Ordinal);
            Assert.Contains("PageToken=", g, StringComparison.Ordinal);
        });

        // limit stays client-side: the helper reads ceil(limit / page size) whole pages and stops.
        var limitLog = new RequestLog();
        var limitedReader = TwilioHelper.Client(Server.BaseUrl, account.Sid, account.AuthToken, log: limitLog);
        var limited = (await ServiceResource.ReadAsync(limit: 3, pageSize: 2, client: limitedReader)).ToList();
        Assert.Equal(made.Take(4), limited.Select(s => s.Sid));
        Assert.Equal(2, limitLog.Entries.Count);
    }

    [Fact]
    public async Task Reading_factors_and_pending_challenges_pages_through_every_record()
    {
        var client = TwilioHelper.Client(Server.BaseUrl, Server.AccountSid, Server.AuthToken);
        var service = await ServiceResource.CreateAsync(friendlyName: "Paging factors", client: client);
        var identity = "pager-" + Guid.NewGuid().ToString("N");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var phone = new DeviceEmulator(http, DeviceFlavour.Ios, baseUrl: Server.DeviceBaseUrl) { PushToken = null };
        var factors = new List<DeviceFactor>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var token = await AccessTokenResource.CreateAsync(service.Sid, identity, AccessTokenResource.FactorTypesEnum.Push, client: client);
                var factor = await phone.CreateFactorAsync(service.Sid, identity, token.Token, $"iPhone {i}");
                factors.Add(factor);
                Assert.Equal("verified", await phone.VerifyFactorAsync(factor));
            }

            var listed = (await FactorResource.ReadAsync(service.Sid, identity, pageSize: 1, client: client)).ToList();
            Assert.Equal(factors.Select(f => f.Sid), listed.Select(f => f.Sid));
            Assert.All(listed, f => Assert.Equal(FactorResource.FactorStatusesEnum.Verified, f.Status));

            var target = factors[1];
            var created = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                created.Add((await ChallengeResource.CreateAsync(service.Sid, identity, target.Sid, detailsMessage: $"Challenge {i}", client: client)).Sid);
            }

            await phone.ApproveAsync(target, created[2]);
            var pending = (await ChallengeResource.ReadAsync(
                service.Sid, identity, factorSid: target.Sid, status: ChallengeResource.ChallengeStatusesEnum.Pending,
                order: ChallengeResource.ListOrdersEnum.Desc, pageSize: 2, client: client)).ToList();
            Assert.Equal([created[4], created[3], created[1], created[0]], pending.Select(c => c.Sid));

            // The iOS phone pages the same list with its lower-case pageToken.
            var seen = new List<string>();
            string? pageToken = null;
            do
            {
                var page = await phone.ListChallengesAsync(target, pageSize: 3, status: "pending", order: "desc", pageToken: pageToken);
                seen.AddRange(page.Challenges.Select(c => c["sid"]!.GetValue<string>()));
                pageToken = page.NextPageToken;
            }
            while (pageToken is not null);

            Assert.Equal(pending.Select(c => c.Sid), seen);
        }
        finally
        {
            factors.ForEach(f => f.Dispose());
        }
    }
}
