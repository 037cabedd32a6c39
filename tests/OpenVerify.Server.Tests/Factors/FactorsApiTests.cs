using OpenVerify.TestKit.Devices;

namespace OpenVerify.Server.Tests.Factors;

public sealed class FactorsApiTests
{
    [Fact]
    public async Task Listing_factors_returns_only_that_entitys_factors()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var alice = await api.EnrolAsync(service);
        var bob = await api.EnrolAsync(service);
        var list = (await api.Account.GetAsync(alice.EntityPath + "/Factors")).Expect(200);
        Assert.Equal([alice.Factor.Sid], list.Sids("factors"));
        Assert.Equal("factors", list["meta"].Str("key"));
        Assert.DoesNotContain(bob.Factor.Sid, list.Sids("factors"));
    }

    [Fact]
    public async Task A_device_deletes_its_factor_with_204_and_its_jwts_then_get_401()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        await e.Device.DeleteFactorAsync(e.Factor);
        Assert.Equal(204, e.Device.LastResponse!.StatusCode);
        (await api.Account.GetAsync(e.FactorPath)).ExpectError(20404, 404);
        var after = await e.Device.SendAsync(HttpMethod.Get, $"Services/{e.ServiceSid}", [], e.Device.CreateDeviceJwt(e.Factor));
        Assert.Equal(401, after.StatusCode);
        Assert.NotNull(after.Header("Date"));
    }

    [Fact]
    public async Task Deleting_an_already_deleted_factor_is_404_or_401_which_the_sdk_treats_as_done()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        (await api.Account.DeleteAsync(e.FactorPath)).Expect(204);
        (await api.Account.DeleteAsync(e.FactorPath)).ExpectError(20404, 404);
        await e.Device.DeleteFactorAsync(e.Factor);
        Assert.Contains(e.Device.LastResponse!.StatusCode, new[] { 401, 404 });
    }

    [Fact]
    public async Task A_backend_fetches_a_factor_by_sid_under_its_identity()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var factor = (await api.Account.GetAsync(e.FactorPath)).Expect(200);
        Assert.Equal(e.Factor.Sid, factor.Str("sid"));
        Assert.Equal(e.ServiceSid, factor.Str("service_sid"));
        Assert.Matches("^YE[0-9a-f]{32}$", factor.Str("entity_sid"));
        Assert.Equal($"http://localhost{e.FactorPath}", factor.Str("url"));
        (await api.Account.GetAsync($"/v2/Services/{e.ServiceSid}/Entities/someone-else/Factors/{e.Factor.Sid}")).ExpectError(20404, 404);
    }

    [Theory]
    [InlineData("YF123")]
    [InlineData("YC00000000000000000000000000000000")]
    [InlineData("YF0000000000000000000000000000000g")]
    public async Task A_malformed_factor_sid_in_the_path_is_404(string sid)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        (await api.Account.GetAsync($"{e.EntityPath}/Factors/{sid}")).ExpectError(20404, 404);
        (await api.Account.PostAsync($"{e.EntityPath}/Factors/{sid}", ("FriendlyName", "x"))).ExpectError(20404, 404);
        (await api.Account.DeleteAsync($"{e.EntityPath}/Factors/{sid}")).ExpectError(20404, 404);
    }

    [Fact]
    public async Task Another_account_gets_404_for_a_factor_it_does_not_own()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var other = await api.CreateOtherAccountAsync();
        (await other.GetAsync(e.FactorPath)).ExpectError(20404, 404);
        (await other.PostAsync(e.FactorPath, ("FriendlyName", "stolen"))).ExpectError(20404, 404);
        (await other.DeleteAsync(e.FactorPath)).ExpectError(20404, 404);
        (await other.GetAsync(e.EntityPath + "/Factors")).ExpectError(20404, 404);
        (await other.PostAsync(e.EntityPath + "/Factors", CreateFactorTests.BackendFactorForm())).ExpectError(20404, 404);
        Assert.Equal("Emulated phone", (await api.Account.GetAsync(e.FactorPath)).Expect(200).Str("friendly_name"));
    }

    [Fact]
    public async Task A_device_cannot_read_update_or_delete_another_factor()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var alice = await api.EnrolAsync(service);
        var mallory = await api.EnrolAsync(service);
        var jwt = mallory.Device.CreateDeviceJwt(mallory.Factor);
        var path = alice.FactorPath["/v2/".Length..];
        Assert.Equal(404, (await mallory.Device.SendAsync(HttpMethod.Get, path, [], jwt)).StatusCode);
        Assert.Equal(404, (await mallory.Device.SendAsync(HttpMethod.Post, path, [new("FriendlyName", "x")], jwt)).StatusCode);
        Assert.Equal(404, (await mallory.Device.SendAsync(HttpMethod.Delete, path, [], jwt)).StatusCode);
        Assert.Equal(404, (await mallory.Device.SendAsync(HttpMethod.Post, path, [new("AuthPayload", SdkSignatures.VerifyFactorPayload(mallory.Factor.Key, alice.Factor.Sid))], jwt)).StatusCode);
        (await api.Account.GetAsync(alice.FactorPath)).Expect(200);
    }

    [Fact]
    public async Task A_device_may_not_list_factors()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var response = await e.Device.SendAsync(HttpMethod.Get, e.EntityPath["/v2/".Length..] + "/Factors", [], e.Device.CreateDeviceJwt(e.Factor));
        Assert.Equal(401, response.StatusCode);
    }
}
