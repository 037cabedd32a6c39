using static OpenVerify.Server.Tests.Challenges.PushFatigueSupport;

namespace OpenVerify.Server.Tests.Challenges;

public sealed class CooldownTests
{
    /// <summary>The setting docs/security.md recommends: 3 denials in 10 minutes start 15 minutes of cool-down.</summary>
    private static readonly Dictionary<string, string?> Recommended = new() { ["OpenVerify:PushFatigue:CooldownDenials"] = "3" };

    [Fact]
    public async Task The_third_denial_in_ten_minutes_starts_a_fifteen_minute_cooldown_and_one_event()
    {
        await using var api = await TestApi.StartAsync(new Dictionary<string, string?>(TestApi.OffMachineGuard().Concat(Recommended)));
        var e = await api.EnrolNewAsync();
        var hook = await SubscribeAsync(api, e.ServiceSid, "factor.cooldown");
        var everything = await SubscribeAsync(api, e.ServiceSid, "*");
        var pending = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            pending.Add((await api.CreateChallengeAsync(e)).Str("sid")!);
        }

        await e.Device.DenyAsync(e.Factor, pending[0]);
        api.Clock.Advance(TimeSpan.FromMinutes(1));
        await e.Device.DenyAsync(e.Factor, pending[1]);
        // Two denials: the boundary request that still passes.
        pending.Add((await api.CreateChallengeAsync(e)).Str("sid")!);
        api.Clock.Advance(TimeSpan.FromMinutes(1));
        await e.Device.DenyAsync(e.Factor, pending[2]);
        AssertRateLimited(await api.PostChallengeAsync(e), 15 * 60);
        // A denial during the cool-down extends it but is no new cool-down event.
        api.Clock.Advance(TimeSpan.FromMinutes(2));
        await e.Device.DenyAsync(e.Factor, pending[3]);
        api.Clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        AssertRateLimited(await api.PostChallengeAsync(e), 1);
        api.Clock.Advance(TimeSpan.FromSeconds(1));
        (await api.PostChallengeAsync(e)).Expect(201);
        Assert.Equal(["factor.cooldown"], await EventsAsync(api, e.ServiceSid, hook));
        // "*" is Twilio's five: the extension event is not among them.
        Assert.DoesNotContain("factor.cooldown", await EventsAsync(api, e.ServiceSid, everything));
        Assert.Equal(4, (await CountersAsync(api, e.ServiceSid)).Int("denied_challenges"));
    }

    [Fact]
    public async Task Denials_further_apart_than_the_window_start_no_cooldown()
    {
        await using var api = await TestApi.StartAsync(Recommended);
        var e = await api.EnrolNewAsync();
        for (var i = 0; i < 3; i++)
        {
            var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
            await e.Device.DenyAsync(e.Factor, sid);
            // Denials at 0, 5 and 10 minutes: the first has left the 10-minute window when the third comes.
            api.Clock.Advance(TimeSpan.FromMinutes(5));
        }

        // Now (15 minutes) only two denials are in the window: one more starts the cool-down.
        (await api.PostChallengeAsync(e)).Expect(201);
    }

    [Fact]
    public async Task Approvals_and_other_factors_do_not_count_and_the_service_settings_apply()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync("strict", ("Push.CooldownDenials", "1"), ("Push.CooldownMinutes", "2"));
        var e = await api.EnrolAsync(service);
        var other = await api.EnrolAsync(service);
        await e.Device.ApproveAsync(e.Factor, (await api.CreateChallengeAsync(e)).Str("sid")!);
        (await api.PostChallengeAsync(e)).Expect(201);
        await e.Device.DenyAsync(e.Factor, (await api.CreateChallengeAsync(e)).Str("sid")!);
        AssertRateLimited(await api.PostChallengeAsync(e), 120);
        (await api.PostChallengeAsync(other)).Expect(201);
        (await api.Account.PostAsync($"/v2/Services/{service}", ("Push.CooldownDenials", "0"))).Expect(200);
        (await api.PostChallengeAsync(e)).Expect(201);
    }
}
