using OpenVerify.TestKit.Devices;

namespace OpenVerify.Server.Tests.Factors;

public sealed class FactorRaceTests
{
    [Fact]
    public async Task Concurrent_creations_on_one_entity_never_exceed_20_push_factors()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var path = $"/v2/Services/{service}/Entities/{identity}/Factors";
        var forms = Enumerable.Range(0, 26).Select(_ => CreateFactorTests.BackendFactorForm()).ToList();
        var responses = await Task.WhenAll(forms.Select(f => Task.Run(() => api.Account.PostAsync(path, f))));
        Assert.Equal(20, responses.Count(r => r.StatusCode == 201));
        Assert.All(responses.Where(r => r.StatusCode != 201), r => r.ExpectError(60315, 400));
        Assert.Equal(20, (await api.Account.GetAsync(path + "?PageSize=100")).Expect(200)["factors"]!.AsArray().Count);
    }

    [Fact]
    public async Task One_access_token_used_by_two_devices_at_once_creates_exactly_one_factor()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var token = await api.CreateAccessTokenAsync(service, identity);
        var devices = Enumerable.Range(0, 4).Select(i => api.Device(i % 2 == 0 ? DeviceFlavour.Android : DeviceFlavour.Ios)).ToList();
        var attempts = await Task.WhenAll(devices.Select(d => Task.Run(async () =>
        {
            try
            {
                await d.CreateFactorAsync(service, identity, token);
                return 201;
            }
            catch (DeviceException e)
            {
                return e.StatusCode ?? 0;
            }
        })));
        Assert.Single(attempts, s => s == 201);
        Assert.All(attempts.Where(s => s != 201), s => Assert.Equal(401, s));
        Assert.Single((await api.Account.GetAsync($"/v2/Services/{service}/Entities/{identity}/Factors")).Expect(200)["factors"]!.AsArray());
    }
}
