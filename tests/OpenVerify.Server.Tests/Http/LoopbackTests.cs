using OpenVerify.TestKit.Devices;

namespace OpenVerify.Server.Tests.Http;

/// <summary>The device emulator over real HTTP: Kestrel on loopback instead of the in-memory TestServer.</summary>
public sealed class LoopbackTests
{
    [Theory]
    [InlineData(DeviceFlavour.Android)]
    [InlineData(DeviceFlavour.Ios)]
    public async Task A_device_enrols_recovers_its_clock_approves_and_deletes_over_real_http(DeviceFlavour flavour)
    {
        await using var api = await TestApi.StartLoopbackAsync();
        var e = await api.EnrolAsync(await api.CreateServiceAsync(), flavour: flavour);
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        e.Device.ClockOffset = TimeSpan.FromMinutes(-20);
        await e.Device.ApproveAsync(e.Factor, sid);
        Assert.Contains(e.Device.Exchanges, x => x.Response.StatusCode == 401);
        var list = await e.Device.ListChallengesAsync(e.Factor, 10, "approved");
        Assert.Equal([sid], list.Challenges.Select(c => c.Str("sid")));
        Assert.StartsWith(api.Http.BaseAddress!.ToString().TrimEnd('/'), list.Response.Json!["meta"].Str("url"));
        await e.Device.DeleteFactorAsync(e.Factor);
        Assert.Equal(204, e.Device.LastResponse!.StatusCode);
    }

    [Fact]
    public async Task Over_real_http_a_401_carries_exactly_one_date_header()
    {
        await using var api = await TestApi.StartLoopbackAsync();
        var e = await api.EnrolNewAsync();
        var response = await e.Device.SendAsync(HttpMethod.Get, $"Services/{e.ServiceSid}", [], e.Device.CreateDeviceJwt(e.Factor, new JwtOverrides { CorruptSignature = true }));
        Assert.Equal(401, response.StatusCode);
        Assert.Single(response.HeaderValues("Date"));
    }
}
