using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Accounts;

namespace OpenVerify.Server.Tests.Auth;

public sealed class AccountAuthTests
{
    private const string Va = "VA00000000000000000000000000000000";
    private const string Id = "alice-0001";

    public static TheoryData<string, string> Operations() => new()
    {
        { "POST", "/v2/Services" },
        { "GET", "/v2/Services" },
        { "GET", $"/v2/Services/{Va}" },
        { "POST", $"/v2/Services/{Va}" },
        { "DELETE", $"/v2/Services/{Va}" },
        { "POST", $"/v2/Services/{Va}/Entities" },
        { "GET", $"/v2/Services/{Va}/Entities" },
        { "GET", $"/v2/Services/{Va}/Entities/{Id}" },
        { "DELETE", $"/v2/Services/{Va}/Entities/{Id}" },
        { "POST", $"/v2/Services/{Va}/Entities/{Id}/Factors" },
        { "GET", $"/v2/Services/{Va}/Entities/{Id}/Factors" },
        { "GET", $"/v2/Services/{Va}/Entities/{Id}/Factors/YF00000000000000000000000000000000" },
        { "POST", $"/v2/Services/{Va}/Entities/{Id}/Factors/YF00000000000000000000000000000000" },
        { "DELETE", $"/v2/Services/{Va}/Entities/{Id}/Factors/YF00000000000000000000000000000000" },
        { "POST", $"/v2/Services/{Va}/Entities/{Id}/Challenges" },
        { "GET", $"/v2/Services/{Va}/Entities/{Id}/Challenges" },
        { "GET", $"/v2/Services/{Va}/Entities/{Id}/Challenges/YC00000000000000000000000000000000" },
        { "POST", $"/v2/Services/{Va}/Entities/{Id}/Challenges/YC00000000000000000000000000000000" },
        { "POST", $"/v2/Services/{Va}/Entities/{Id}/Challenges/YC00000000000000000000000000000000/Notifications" },
        { "POST", $"/v2/Services/{Va}/Webhooks" },
        { "GET", $"/v2/Services/{Va}/Webhooks" },
        { "GET", $"/v2/Services/{Va}/Webhooks/YW00000000000000000000000000000000" },
        { "POST", $"/v2/Services/{Va}/Webhooks/YW00000000000000000000000000000000" },
        { "DELETE", $"/v2/Services/{Va}/Webhooks/YW00000000000000000000000000000000" },
        { "POST", $"/v2/Services/{Va}/AccessTokens" },
        { "GET", $"/v2/Services/{Va}/AccessTokens/YK00000000000000000000000000000000" },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Every_operation_without_credentials_returns_401_20003_with_a_date(string method, string path)
    {
        await using var api = await TestApi.StartAsync();
        (await api.As(null, null).SendAsync(new HttpMethod(method), path, null)).ExpectError(20003, 401);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Every_operation_accepts_the_account_credentials(string method, string path)
    {
        await using var api = await TestApi.StartAsync();
        var response = await api.Account.SendAsync(new HttpMethod(method), path, method == "GET" ? null : new FormUrlEncodedContent([]));
        // Past authentication: listing works, creating without FriendlyName misses it, and the service does not exist.
        switch ((method, path))
        {
            case ("GET", "/v2/Services"):
                response.Expect(200);
                break;
            case ("POST", "/v2/Services"):
                response.ExpectError(20001, 400);
                break;
            default:
                response.ExpectError(20404, 404);
                break;
        }
    }

    [Fact]
    public async Task A_wrong_auth_token_returns_401()
    {
        await using var api = await TestApi.StartAsync();
        (await api.As(api.AccountSid, "0123456789abcdef0123456789abcdef").GetAsync("/v2/Services")).ExpectError(20003, 401);
        (await api.As(api.AccountSid, api.AuthToken + "x").GetAsync("/v2/Services")).ExpectError(20003, 401);
        (await api.As(api.AccountSid, "").GetAsync("/v2/Services")).ExpectError(20003, 401);
        (await api.As("AC" + new string('0', 32), api.AuthToken).GetAsync("/v2/Services")).ExpectError(20003, 401);
        (await api.As("admin", api.AuthToken).GetAsync("/v2/Services")).ExpectError(20003, 401);
    }

    [Theory]
    [InlineData("Bearer abc")]
    [InlineData("Basic !!!not-base64!!!")]
    [InlineData("Basic ")]
    [InlineData("Basic bm9jb2xvbg==")]
    [InlineData("Digest username=x")]
    public async Task A_malformed_authorization_header_returns_401(string header)
    {
        await using var api = await TestApi.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/Services");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        using var response = await api.Http.SendAsync(request);
        new ApiResponse(response, await response.Content.ReadAsStringAsync()).ExpectError(20003, 401);
    }

    [Fact]
    public async Task An_api_key_authenticates_as_its_account()
    {
        await using var api = await TestApi.StartAsync();
        var (key, secret) = await api.Services.GetRequiredService<AccountBootstrap>().CreateKeyAsync(api.AccountSid, "ci", CancellationToken.None);
        Assert.StartsWith("SK", key.Sid);
        var viaKey = api.As(key.Sid, secret);
        var created = (await viaKey.PostAsync("/v2/Services", ("FriendlyName", "via key"))).Expect(201);
        Assert.Equal(api.AccountSid, created.Str("account_sid"));
        (await api.Account.GetAsync($"/v2/Services/{created.Str("sid")}")).Expect(200);
        var mine = await api.CreateServiceAsync();
        (await viaKey.GetAsync($"/v2/Services/{mine}")).Expect(200);
    }

    [Fact]
    public async Task An_api_key_with_a_wrong_secret_or_unknown_sid_returns_401()
    {
        await using var api = await TestApi.StartAsync();
        var (key, secret) = await api.Services.GetRequiredService<AccountBootstrap>().CreateKeyAsync(api.AccountSid, "ci", CancellationToken.None);
        (await api.As(key.Sid, secret + "x").GetAsync("/v2/Services")).ExpectError(20003, 401);
        (await api.As("SK" + new string('1', 32), secret).GetAsync("/v2/Services")).ExpectError(20003, 401);
        (await api.As(key.Sid, api.AuthToken).GetAsync("/v2/Services")).ExpectError(20003, 401);
    }

    [Fact]
    public async Task Another_accounts_api_key_gets_404_for_this_accounts_service()
    {
        await using var api = await TestApi.StartAsync();
        var mine = await api.CreateServiceAsync();
        var otherAccount = await api.Services.GetRequiredService<AccountBootstrap>().CreateAsync("other", CancellationToken.None);
        var (key, secret) = await api.Services.GetRequiredService<AccountBootstrap>().CreateKeyAsync(otherAccount.Sid, "ci", CancellationToken.None);
        (await api.As(key.Sid, secret).GetAsync($"/v2/Services/{mine}")).ExpectError(20404, 404);
        Assert.DoesNotContain(mine, (await api.As(key.Sid, secret).GetAsync("/v2/Services")).Expect(200).Sids("services"));
    }

    [Fact]
    public async Task The_auth_token_is_compared_exactly_including_case()
    {
        await using var api = await TestApi.StartAsync();
        (await api.As(api.AccountSid, api.AuthToken.ToUpperInvariant()).GetAsync("/v2/Services")).ExpectError(20003, 401);
        (await api.As(api.AccountSid.ToLowerInvariant(), api.AuthToken).GetAsync("/v2/Services")).ExpectError(20003, 401);
    }

    [Fact]
    public async Task Healthz_answers_without_credentials()
    {
        await using var api = await TestApi.StartAsync();
        using var response = await api.Http.GetAsync("/healthz/live");
        Assert.Equal(200, (int)response.StatusCode);
        // Readiness needs the outbox worker, which test servers never start (Operations/HealthTests).
        using var ready = await api.Http.GetAsync("/healthz");
        Assert.Equal(503, (int)ready.StatusCode);
    }

    internal static AuthenticationHeaderValue Basic(string user, string secret) => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + secret)));
}
