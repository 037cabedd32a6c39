using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Background;
using OpenVerify.TestKit.Devices;

namespace OpenVerify.Server.Tests.Background;

public sealed class MaintenanceTests
{
    [Fact]
    public async Task Unverified_factors_are_deleted_after_the_lifetime_and_verified_ones_stay()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var unverified = await api.EnrolAsync(service, verify: false);
        var verified = await api.EnrolAsync(service);
        var maintenance = api.Services.GetRequiredService<Maintenance>();
        api.Clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        await maintenance.RunOnceAsync(CancellationToken.None);
        (await api.Account.GetAsync(unverified.FactorPath)).Expect(200);
        api.Clock.Advance(TimeSpan.FromSeconds(2));
        await maintenance.RunOnceAsync(CancellationToken.None);
        (await api.Account.GetAsync(unverified.FactorPath)).ExpectError(20404, 404);
        (await api.Account.GetAsync(verified.FactorPath)).Expect(200);
        var late = await Assert.ThrowsAsync<DeviceException>(() => unverified.Device.VerifyFactorAsync(unverified.Factor));
        Assert.Equal(401, late.StatusCode);
    }

    [Fact]
    public async Task A_factor_verified_before_the_lifetime_is_kept()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolAsync(await api.CreateServiceAsync(), verify: false);
        api.Clock.Advance(TimeSpan.FromHours(23));
        await e.Device.VerifyFactorAsync(e.Factor);
        api.Clock.Advance(TimeSpan.FromHours(2));
        await api.Services.GetRequiredService<Maintenance>().RunOnceAsync(CancellationToken.None);
        Assert.Equal("verified", (await api.Account.GetAsync(e.FactorPath)).Expect(200).Str("status"));
    }

    [Fact]
    public async Task The_lifetime_is_configurable()
    {
        await using var api = await TestApi.StartAsync(new Dictionary<string, string?> { ["OpenVerify:UnverifiedFactorLifetime"] = "01:00:00" });
        var e = await api.EnrolAsync(await api.CreateServiceAsync(), verify: false);
        api.Clock.Advance(TimeSpan.FromMinutes(61));
        await api.Services.GetRequiredService<Maintenance>().RunOnceAsync(CancellationToken.None);
        (await api.Account.GetAsync(e.FactorPath)).ExpectError(20404, 404);
    }

    [Fact]
    public async Task The_sweep_stores_expired_and_the_challenge_still_cannot_be_answered()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var payload = await e.Device.PrepareAnswerAsync(e.Factor, sid, "approved");
        api.Clock.Advance(TimeSpan.FromMinutes(10));
        await api.Services.GetRequiredService<Maintenance>().RunOnceAsync(CancellationToken.None);
        var challenge = (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200);
        Assert.Equal("expired", challenge.Str("status"));
        Assert.Equal(challenge.Str("expiration_date"), challenge.Str("date_updated"));
        Assert.Equal([sid], (await api.Account.GetAsync($"{e.EntityPath}/Challenges?Status=expired")).Expect(200).Sids("challenges"));
        Assert.Equal(60323, (await e.Device.SendAnswerAsync(e.Factor, sid, payload)).ErrorCode);
    }
}
