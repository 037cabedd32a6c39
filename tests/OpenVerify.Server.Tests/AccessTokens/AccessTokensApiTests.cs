using OpenVerify.TestKit.Devices;

namespace OpenVerify.Server.Tests.AccessTokens;

public sealed class AccessTokensApiTests
{
    [Fact]
    public async Task Creating_an_access_token_returns_201_with_sid_identity_type_token_ttl_and_date()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var token = (await api.Account.PostAsync($"/v2/Services/{service}/AccessTokens", ("Identity", "alice-0001"), ("FactorType", "push"), ("FactorFriendlyName", "Pixel 8"))).Expect(201);
        Assert.Matches("^YK[0-9a-f]{32}$", token.Str("sid"));
        Assert.Equal("alice-0001", token.Str("entity_identity"));
        Assert.Equal("push", token.Str("factor_type"));
        Assert.Equal("Pixel 8", token.Str("factor_friendly_name"));
        Assert.False(string.IsNullOrEmpty(token.Str("token")));
        Assert.Equal(60, token.Int("ttl"));
        Assert.Equal(api.Clock.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), token.Str("date_created"));
        Assert.Equal($"http://localhost/v2/Services/{service}/AccessTokens/{token.Str("sid")}", token.Str("url"));
        Assert.Equal(service, token.Str("service_sid"));
        Assert.Equal(api.AccountSid, token.Str("account_sid"));
    }

    [Theory]
    [InlineData("60")]
    [InlineData("300")]
    public async Task A_Ttl_from_60_to_300_is_returned(string ttl)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var token = (await api.Account.PostAsync($"/v2/Services/{service}/AccessTokens", ("Identity", "alice-0001"), ("FactorType", "push"), ("Ttl", ttl))).Expect(201);
        Assert.Equal(int.Parse(ttl, System.Globalization.CultureInfo.InvariantCulture), token.Int("ttl"));
    }

    [Theory]
    [InlineData("59")]
    [InlineData("301")]
    [InlineData("0")]
    [InlineData("sixty")]
    public async Task A_Ttl_outside_60_to_300_returns_60200(string ttl)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        (await api.Account.PostAsync($"/v2/Services/{service}/AccessTokens", ("Identity", "alice-0001"), ("FactorType", "push"), ("Ttl", ttl))).ExpectError(60200, 400);
    }

    [Fact]
    public async Task Identity_and_FactorType_are_required_and_FactorType_must_be_push()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        (await api.Account.PostAsync($"/v2/Services/{service}/AccessTokens", ("FactorType", "push"))).ExpectError(20001, 400);
        (await api.Account.PostAsync($"/v2/Services/{service}/AccessTokens", ("Identity", "alice-0001"))).ExpectError(20001, 400);
        (await api.Account.PostAsync($"/v2/Services/{service}/AccessTokens", ("Identity", "alice-0001"), ("FactorType", "totp"))).ExpectError(60200, 400);
    }

    [Fact]
    public async Task Fetching_an_access_token_returns_the_same_token_while_it_is_valid_and_404_after()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var created = (await api.Account.PostAsync($"/v2/Services/{service}/AccessTokens", ("Identity", "alice-0001"), ("FactorType", "push"))).Expect(201);
        var path = $"/v2/Services/{service}/AccessTokens/{created.Str("sid")}";
        var fetched = (await api.Account.GetAsync(path)).Expect(200);
        Assert.Equal(created.Str("token"), fetched.Str("token"));
        Assert.Equal(created.Str("sid"), fetched.Str("sid"));
        api.Clock.Advance(TimeSpan.FromSeconds(60));
        (await api.Account.GetAsync(path)).ExpectError(20404, 404);
    }

    [Fact]
    public async Task Fetching_an_access_token_that_created_a_factor_is_404()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var created = (await api.Account.PostAsync($"/v2/Services/{service}/AccessTokens", ("Identity", "alice-0001"), ("FactorType", "push"))).Expect(201);
        var device = new DeviceEmulator(api.Http, DeviceFlavour.Android, api.Clock);
        await device.CreateFactorAsync(service, "alice-0001", created.Str("token")!);
        (await api.Account.GetAsync($"/v2/Services/{service}/AccessTokens/{created.Str("sid")}")).ExpectError(20404, 404);
    }

    [Theory]
    [InlineData("YK123")]
    [InlineData("YF00000000000000000000000000000000")]
    [InlineData("YK00000000000000000000000000000000")]
    public async Task Fetching_a_malformed_or_unknown_access_token_sid_is_404(string sid)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        (await api.Account.GetAsync($"/v2/Services/{service}/AccessTokens/{sid}")).ExpectError(20404, 404);
    }

    [Fact]
    public async Task Another_account_cannot_fetch_or_create_access_tokens_of_a_service_it_does_not_own()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var created = (await api.Account.PostAsync($"/v2/Services/{service}/AccessTokens", ("Identity", "alice-0001"), ("FactorType", "push"))).Expect(201);
        var other = await api.CreateOtherAccountAsync();
        (await other.GetAsync($"/v2/Services/{service}/AccessTokens/{created.Str("sid")}")).ExpectError(20404, 404);
        (await other.PostAsync($"/v2/Services/{service}/AccessTokens", ("Identity", "alice-0001"), ("FactorType", "push"))).ExpectError(20404, 404);
    }

    [Fact]
    public async Task A_token_of_one_service_is_404_under_another_service_of_the_same_account()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var otherService = await api.CreateServiceAsync();
        var created = (await api.Account.PostAsync($"/v2/Services/{service}/AccessTokens", ("Identity", "alice-0001"), ("FactorType", "push"))).Expect(201);
        (await api.Account.GetAsync($"/v2/Services/{otherService}/AccessTokens/{created.Str("sid")}")).ExpectError(20404, 404);
    }
}
