using System.Text;

namespace OpenVerify.Server.Tests.Http;

public sealed class MalformedRequestTests
{
    [Theory]
    [InlineData("%", 400, 20001)]
    [InlineData("&&&", 400, 20001)]
    [InlineData("=value", 400, 20001)]
    [InlineData("FriendlyName", 400, 20001)]
    // Note: like ASP.NET Core's form reader, a broken percent-escape is kept literally, and the first of repeated scalar keys wins.
    [InlineData("FriendlyName=%E0%A4%A", 201, 0, "%E0%A4%A")]
    [InlineData("FriendlyName=%ZZ", 201, 0, "%ZZ")]
    [InlineData("FriendlyName=a&FriendlyName=b", 201, 0, "a")]
    [InlineData("{\"FriendlyName\":\"json\"}", 400, 20001)]
    public async Task Odd_form_bodies_get_their_exact_answer_never_a_5xx(string body, int status, int code, string? friendlyName = null)
    {
        await using var api = await TestApi.StartAsync();
        var response = await api.Account.PostRawAsync("/v2/Services", body);
        if (status == 201)
        {
            Assert.Equal(friendlyName, response.Expect(201).Str("friendly_name"));
        }
        else
        {
            response.ExpectError(code, status);
        }
    }

    [Fact]
    public async Task A_json_body_is_not_a_form_and_returns_a_twilio_shaped_400()
    {
        await using var api = await TestApi.StartAsync();
        (await api.Account.PostRawAsync("/v2/Services", """{"FriendlyName":"json"}""", "application/json")).ExpectError(20001, 400);
    }

    [Fact]
    public async Task A_body_that_is_not_utf8_returns_20001()
    {
        await using var api = await TestApi.StartAsync();
        (await api.Account.PostBytesAsync("/v2/Services", [.. Encoding.ASCII.GetBytes("FriendlyName="), 0xC3, 0x28, 0xFF])).ExpectError(20001, 400);
    }

    [Fact]
    public async Task A_body_over_the_limit_returns_413_20413_and_creates_nothing()
    {
        await using var api = await TestApi.StartAsync();
        var before = (await api.Account.GetAsync("/v2/Services")).Expect(200)["services"]!.AsArray().Count;
        (await api.Account.PostRawAsync("/v2/Services", "FriendlyName=big&Pad=" + new string('x', 70 * 1024))).ExpectError(20413, 413);
        Assert.Equal(before, (await api.Account.GetAsync("/v2/Services")).Expect(200)["services"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_returns_413()
    {
        await using var api = await TestApi.StartAsync();
        var content = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes("FriendlyName=big&Pad=" + new string('x', 70 * 1024))));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        (await api.Account.SendAsync(HttpMethod.Post, "/v2/Services", content)).ExpectError(20413, 413);
    }

    [Fact]
    public async Task An_unknown_path_returns_a_twilio_shaped_404()
    {
        await using var api = await TestApi.StartAsync();
        (await api.Account.GetAsync("/v2/Nope")).ExpectError(20404, 404);
        (await api.Account.GetAsync("/v2/Services/VA00000000000000000000000000000000/Verifications")).ExpectError(20404, 404);
    }

    [Fact]
    public async Task An_unsupported_method_returns_a_twilio_shaped_405()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        (await api.Account.SendAsync(HttpMethod.Put, $"/v2/Services/{service}", new FormUrlEncodedContent([]))).ExpectError(20004, 405);
        (await api.Account.SendAsync(HttpMethod.Patch, "/v2/Services", new FormUrlEncodedContent([]))).ExpectError(20004, 405);
    }

    [Fact]
    public async Task A_get_with_a_form_accept_and_content_type_still_answers_json()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/Services/{service}");
        request.Headers.Authorization = Auth.AccountAuthTests.Basic(api.AccountSid, api.AuthToken);
        request.Headers.TryAddWithoutValidation("Accept", "application/x-www-form-urlencoded");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "utf-8");
        request.Content = new ByteArrayContent([]);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        using var response = await api.Http.SendAsync(request);
        new ApiResponse(response, await response.Content.ReadAsStringAsync()).Expect(200);
    }

    [Fact]
    public async Task Query_parameters_of_a_post_are_ignored_and_body_parameters_of_a_get_are_not_read()
    {
        await using var api = await TestApi.StartAsync();
        (await api.Account.PostAsync("/v2/Services?FriendlyName=fromQuery")).ExpectError(20001, 400);
        var service = await api.CreateServiceAsync();
        var content = new FormUrlEncodedContent([KeyValuePair.Create("PageSize", "0")]);
        (await api.Account.SendAsync(HttpMethod.Get, $"/v2/Services/{service}/Entities", content)).Expect(200);
    }

    [Fact]
    public async Task A_plus_in_a_form_value_is_a_space_and_percent_2B_is_a_plus()
    {
        await using var api = await TestApi.StartAsync();
        Assert.Equal("My Service+1", (await api.Account.PostRawAsync("/v2/Services", "FriendlyName=My+Service%2B1")).Expect(201).Str("friendly_name"));
    }
}
