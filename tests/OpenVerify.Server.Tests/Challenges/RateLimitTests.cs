using static OpenVerify.Server.Tests.Challenges.PushFatigueSupport;

namespace OpenVerify.Server.Tests.Challenges;

/// <summary>
/// The rate limiting middleware's windows run on real time, so these use an hour-long window: nothing
/// replenishes during a test, and the boundary is exact.
/// </summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task The_account_limit_refuses_the_request_after_the_last_permitted_one_but_never_healthz()
    {
        await using var api = await TestApi.StartAsync(new Dictionary<string, string?>
        {
            ["OpenVerify:RateLimits:AccountRequests"] = "3",
            ["OpenVerify:RateLimits:AccountWindow"] = "01:00:00",
        });
        var other = await api.CreateOtherAccountAsync();
        for (var i = 0; i < 3; i++)
        {
            (await api.Account.GetAsync("/v2/Services")).Expect(200);
        }

        var refused = await api.Account.GetAsync("/v2/Services");
        refused.ExpectError(20429, 429);
        Assert.Equal("true", refused.Header("Twilio-Reached-Rate-Limit"));
        Assert.InRange(long.Parse(refused.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture), 3000, 3600);
        // Another account, and a wrong secret for this one, have budgets of their own.
        (await other.GetAsync("/v2/Services")).Expect(200);
        (await api.As(api.AccountSid, "wrong").GetAsync("/v2/Services")).ExpectError(20003, 401);
        // Health is never limited: live answers 200 every time; ready answers what readiness says (503 20503
        // in-process, where the outbox worker does not run), never 429.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(200, (int)(await api.Http.GetAsync("/healthz/live")).StatusCode);
            Assert.Equal(503, (int)(await api.Http.GetAsync("/healthz")).StatusCode);
        }
    }

    [Fact]
    public async Task The_entity_limit_counts_challenge_creates_per_entity()
    {
        await using var api = await TestApi.StartAsync(new Dictionary<string, string?>
        {
            ["OpenVerify:RateLimits:EntityChallenges"] = "2",
            ["OpenVerify:RateLimits:EntityChallengesWindow"] = "01:00:00",
        });
        var service = await api.CreateServiceAsync();
        var e = await api.EnrolAsync(service);
        var other = await api.EnrolAsync(service);
        (await api.PostChallengeAsync(e)).Expect(201);
        (await api.PostChallengeAsync(e)).Expect(201);
        var refused = await api.PostChallengeAsync(e);
        refused.ExpectError(20429, 429);
        Assert.Equal("true", refused.Header("Twilio-Reached-Rate-Limit"));
        Assert.NotNull(refused.Header("Retry-After"));
        (await api.PostChallengeAsync(other)).Expect(201);
        // Other requests on the entity are not challenge creates.
        (await api.Account.GetAsync(e.EntityPath + "/Challenges")).Expect(200);
        Assert.Equal(2, (await CountersAsync(api, service)).Int("pending_challenges") - 1);
    }

    [Fact]
    public async Task Off_by_default()
    {
        await using var api = await TestApi.StartAsync();
        for (var i = 0; i < 30; i++)
        {
            (await api.Account.GetAsync("/v2/Services")).Expect(200);
        }
    }
}
