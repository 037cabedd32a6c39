using static OpenVerify.Server.Tests.Challenges.PushFatigueSupport;

namespace OpenVerify.Server.Tests.Challenges;

public sealed class PendingLimitTests
{
    /// <summary>The setting docs/security.md recommends for a login service.</summary>
    private static readonly Dictionary<string, string?> Recommended = new() { ["OpenVerify:PushFatigue:PendingLimit"] = "5" };

    [Fact]
    public async Task The_fifth_pending_challenge_passes_and_the_sixth_is_refused_until_one_is_answered()
    {
        await using var api = await TestApi.StartAsync(Recommended);
        var e = await api.EnrolNewAsync();
        var sids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            sids.Add((await api.CreateChallengeAsync(e)).Str("sid")!);
            api.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        // The first pending challenge was created 50 s ago with the default 5-minute expiry: a slot frees in 250 s.
        var refused = await api.PostChallengeAsync(e);
        AssertRateLimited(refused, 250);
        Assert.Equal(5, (await api.Account.GetAsync(e.EntityPath + "/Challenges?Status=pending")).Expect(200)["challenges"]!.AsArray().Count);
        await e.Device.DenyAsync(e.Factor, sids[2]);
        (await api.PostChallengeAsync(e)).Expect(201);
        AssertRateLimited(await api.PostChallengeAsync(e), 250);
    }

    [Fact]
    public async Task By_default_a_factor_takes_any_number_of_pending_challenges_and_denials_as_on_Twilio()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            sids.Add((await api.CreateChallengeAsync(e)).Str("sid")!);
        }

        foreach (var sid in sids.Take(6))
        {
            await e.Device.DenyAsync(e.Factor, sid);
        }

        (await api.PostChallengeAsync(e)).Expect(201);
        var counters = await CountersAsync(api, e.ServiceSid);
        Assert.Equal((0, 0, 7, 6), (counters.Int("pending_limit"), counters.Int("cooldown_denials"), counters.Int("pending_challenges"), counters.Int("denied_challenges")));
    }

    [Fact]
    public async Task An_expired_challenge_frees_its_slot_at_its_expiry()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolAsync(await api.CreateServiceAsync("two", ("Push.PendingLimit", "2")));
        await api.CreateChallengeAsync(e);
        await api.CreateChallengeAsync(e);
        api.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        AssertRateLimited(await api.PostChallengeAsync(e), 1);
        api.Clock.Advance(TimeSpan.FromSeconds(1));
        (await api.PostChallengeAsync(e)).Expect(201);
        (await api.PostChallengeAsync(e)).Expect(201);
        AssertRateLimited(await api.PostChallengeAsync(e), 300);
    }

    [Fact]
    public async Task The_limit_is_per_factor_and_zero_turns_it_off()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync("one", ("Push.PendingLimit", "1"));
        var e = await api.EnrolAsync(service);
        var other = await api.EnrolAsync(service);
        (await api.PostChallengeAsync(e)).Expect(201);
        AssertRateLimited(await api.PostChallengeAsync(e), 300);
        (await api.PostChallengeAsync(other)).Expect(201);
        (await api.Account.PostAsync($"/v2/Services/{service}", ("Push.PendingLimit", "0"))).Expect(200);
        for (var i = 0; i < 7; i++)
        {
            (await api.PostChallengeAsync(e)).Expect(201);
        }
    }

    [Fact]
    public async Task The_server_default_comes_from_configuration()
    {
        await using var api = await TestApi.StartAsync(new Dictionary<string, string?> { ["OpenVerify:PushFatigue:PendingLimit"] = "1" });
        var e = await api.EnrolNewAsync();
        (await api.PostChallengeAsync(e)).Expect(201);
        AssertRateLimited(await api.PostChallengeAsync(e), 300);
        Assert.Equal(1, (await CountersAsync(api, e.ServiceSid)).Int("pending_limit"));
    }
}
