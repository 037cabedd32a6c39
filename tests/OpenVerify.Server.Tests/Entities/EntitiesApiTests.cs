
namespace OpenVerify.Server.Tests.Entities;

public sealed class EntitiesApiTests
{
    [Fact]
    public async Task Creating_an_entity_returns_201_with_sid_identity_and_links()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var entity = (await api.Account.PostAsync($"/v2/Services/{service}/Entities", ("Identity", identity))).Expect(201);
        Assert.Matches("^YE[0-9a-f]{32}$", entity.Str("sid"));
        Assert.Equal(identity, entity.Str("identity"));
        Assert.Equal(service, entity.Str("service_sid"));
        var url = $"http://localhost/v2/Services/{service}/Entities/{identity}";
        Assert.Equal(url, entity.Str("url"));
        Assert.Equal(url + "/Factors", entity["links"].Str("factors"));
        Assert.Equal(url + "/Factors", entity["links"].Str("new_factors"));
        Assert.Equal(url + "/Challenges", entity["links"].Str("challenges"));
    }

    [Fact]
    public async Task Creating_an_entity_without_Identity_returns_20001()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        (await api.Account.PostAsync($"/v2/Services/{service}/Entities")).ExpectError(20001, 400);
    }

    [Theory]
    [InlineData("short7c")]
    [InlineData("this-identity-is-far-too-long-for-twilio-0123456789-0123456789-xyz")]
    [InlineData("has space in it")]
    [InlineData("dots.are.not.ok")]
    [InlineData("plus+sign-identity")]
    [InlineData("user@example.com")]
    public async Task An_identity_outside_8_to_64_url_safe_characters_returns_60200(string identity)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        (await api.Account.PostAsync($"/v2/Services/{service}/Entities", ("Identity", identity))).ExpectError(60200, 400);
        (await api.Account.PostAsync($"/v2/Services/{service}/AccessTokens", ("Identity", identity), ("FactorType", "push"))).ExpectError(60200, 400);
    }

    [Fact]
    public async Task Identities_of_exactly_8_and_64_characters_are_accepted()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        (await api.Account.PostAsync($"/v2/Services/{service}/Entities", ("Identity", "abcd-123"))).Expect(201);
        (await api.Account.PostAsync($"/v2/Services/{service}/Entities", ("Identity", new string('a', 64)))).Expect(201);
    }

    [Fact]
    public async Task Creating_the_same_identity_twice_returns_60360()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        (await api.Account.PostAsync($"/v2/Services/{service}/Entities", ("Identity", "same-identity"))).Expect(201);
        (await api.Account.PostAsync($"/v2/Services/{service}/Entities", ("Identity", "same-identity"))).ExpectError(60360, 409);
    }

    [Fact]
    public async Task Entities_are_fetched_and_deleted_by_identity_and_a_deleted_one_is_404()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var created = (await api.Account.PostAsync($"/v2/Services/{service}/Entities", ("Identity", "alice-0001"))).Expect(201);
        var fetched = (await api.Account.GetAsync($"/v2/Services/{service}/Entities/alice-0001")).Expect(200);
        Assert.Equal(created.Str("sid"), fetched.Str("sid"));
        (await api.Account.GetAsync($"/v2/Services/{service}/Entities/{created.Str("sid")}")).ExpectError(20404, 404);
        (await api.Account.DeleteAsync($"/v2/Services/{service}/Entities/alice-0001")).Expect(204);
        (await api.Account.GetAsync($"/v2/Services/{service}/Entities/alice-0001")).ExpectError(20404, 404);
        (await api.Account.DeleteAsync($"/v2/Services/{service}/Entities/alice-0001")).ExpectError(20404, 404);
    }

    [Fact]
    public async Task Deleting_an_entity_removes_its_factors_and_their_device_tokens_stop_working()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        (await api.Account.DeleteAsync(e.EntityPath)).Expect(204);
        (await api.Account.GetAsync(e.FactorPath)).ExpectError(20404, 404);
        var response = await e.Device.SendAsync(HttpMethod.Get, $"Services/{e.ServiceSid}", [], e.Device.CreateDeviceJwt(e.Factor));
        Assert.Equal(401, response.StatusCode);
    }

    [Fact]
    public async Task Listing_entities_returns_only_this_services_entities()
    {
        await using var api = await TestApi.StartAsync();
        var first = await api.CreateServiceAsync();
        var second = await api.CreateServiceAsync();
        var a = (await api.Account.PostAsync($"/v2/Services/{first}/Entities", ("Identity", "entity-aaaa"))).Expect(201).Str("sid");
        var b = (await api.Account.PostAsync($"/v2/Services/{second}/Entities", ("Identity", "entity-bbbb"))).Expect(201).Str("sid");
        var list = (await api.Account.GetAsync($"/v2/Services/{first}/Entities")).Expect(200);
        Assert.Equal([a!], list.Sids("entities"));
        Assert.Equal("entities", list["meta"].Str("key"));
        Assert.DoesNotContain(b, list.Sids("entities"));
    }

    [Fact]
    public async Task Another_account_gets_404_for_entities_of_a_service_it_does_not_own()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        (await api.Account.PostAsync($"/v2/Services/{service}/Entities", ("Identity", "alice-0001"))).Expect(201);
        var other = await api.CreateOtherAccountAsync();
        (await other.GetAsync($"/v2/Services/{service}/Entities/alice-0001")).ExpectError(20404, 404);
        (await other.GetAsync($"/v2/Services/{service}/Entities")).ExpectError(20404, 404);
        (await other.PostAsync($"/v2/Services/{service}/Entities", ("Identity", "mallory-01"))).ExpectError(20404, 404);
        (await other.DeleteAsync($"/v2/Services/{service}/Entities/alice-0001")).ExpectError(20404, 404);
        (await api.Account.GetAsync($"/v2/Services/{service}/Entities/alice-0001")).Expect(200);
    }
}
