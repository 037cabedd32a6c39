
namespace OpenVerify.Server.Tests.Http;

public sealed class PagingTests
{
    private static readonly string[] MetaKeys = ["page", "page_size", "first_page_url", "previous_page_url", "next_page_url", "url", "key"];

    private static async Task<(string Service, List<string> Identities)> EntitiesAsync(TestApi api, int count)
    {
        var service = await api.CreateServiceAsync();
        var identities = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var identity = $"entity-{i:D4}";
            (await api.Account.PostAsync($"/v2/Services/{service}/Entities", ("Identity", identity))).Expect(201);
            identities.Add(identity);
        }

        return (service, identities);
    }

    [Fact]
    public async Task Every_list_has_one_array_under_its_key_and_all_seven_meta_keys()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        await api.CreateChallengeAsync(e);
        (await api.Account.PostAsync($"/v2/Services/{e.ServiceSid}/Webhooks", ("FriendlyName", "h"), ("EventTypes", "*"), ("WebhookUrl", "http://127.0.0.1:9/h"))).Expect(201);
        var lists = new Dictionary<string, string>
        {
            ["services"] = "/v2/Services",
            ["entities"] = $"/v2/Services/{e.ServiceSid}/Entities",
            ["factors"] = e.EntityPath + "/Factors",
            ["challenges"] = e.EntityPath + "/Challenges",
            ["webhooks"] = $"/v2/Services/{e.ServiceSid}/Webhooks",
        };
        foreach (var (key, path) in lists)
        {
            var body = (await api.Account.GetAsync(path)).Expect(200);
            Assert.Equal([key, "meta"], body.Select(p => p.Key).Order().Reverse().OrderBy(k => k == "meta"));
            Assert.IsType<JsonArray>(body[key]);
            Assert.NotEmpty(body[key]!.AsArray());
            var meta = body["meta"]!.AsObject();
            Assert.Equal(MetaKeys.Order(), meta.Select(p => p.Key).Order());
            Assert.Equal(key, meta.Str("key"));
            Assert.Equal(0, meta.Int("page"));
            Assert.Equal(50, meta.Int("page_size"));
            Assert.Null(meta["previous_page_url"]);
            Assert.Null(meta["next_page_url"]);
            Assert.StartsWith("http://localhost" + path + "?", meta.Str("url"));
            Assert.StartsWith("http://localhost" + path + "?", meta.Str("first_page_url"));
        }
    }

    [Fact]
    public async Task Without_PageSize_a_page_holds_50_and_next_page_url_followed_verbatim_gives_the_rest()
    {
        await using var api = await TestApi.StartAsync();
        var (service, identities) = await EntitiesAsync(api, 53);
        var first = (await api.Account.GetAsync($"/v2/Services/{service}/Entities")).Expect(200);
        Assert.Equal(50, first["entities"]!.AsArray().Count);
        var next = first["meta"].Str("next_page_url")!;
        Assert.StartsWith($"http://localhost/v2/Services/{service}/Entities?", next);
        Assert.Contains("PageToken=", next);
        var second = (await api.Account.GetAsync(next)).Expect(200);
        Assert.Equal(identities[50..], second["entities"]!.AsArray().Select(x => x.Str("identity")));
        Assert.Null(second["meta"]!["next_page_url"]);
        Assert.Equal(1, second["meta"].Int("page"));
        var previous = second["meta"].Str("previous_page_url")!;
        Assert.Equal(identities[..50], (await api.Account.GetAsync(previous)).Expect(200)["entities"]!.AsArray().Select(x => x.Str("identity")));
        Assert.Equal(identities[..50], (await api.Account.GetAsync(second["meta"].Str("first_page_url")!)).Expect(200)["entities"]!.AsArray().Select(x => x.Str("identity")));
    }

    [Fact]
    public async Task Paging_one_by_one_visits_every_record_once_and_the_last_page_has_no_next()
    {
        await using var api = await TestApi.StartAsync();
        var (service, identities) = await EntitiesAsync(api, 4);
        var seen = new List<string>();
        var url = $"/v2/Services/{service}/Entities?PageSize=1";
        while (url is not null)
        {
            var page = (await api.Account.GetAsync(url)).Expect(200);
            Assert.Equal(1, page["meta"].Int("page_size"));
            seen.AddRange(page["entities"]!.AsArray().Select(x => x.Str("identity")!));
            url = page["meta"].Str("next_page_url");
        }

        Assert.Equal(identities, seen);
    }

    [Fact]
    public async Task A_url_of_a_page_reloads_that_page()
    {
        await using var api = await TestApi.StartAsync();
        var (service, _) = await EntitiesAsync(api, 3);
        var first = (await api.Account.GetAsync($"/v2/Services/{service}/Entities?PageSize=1")).Expect(200);
        var second = (await api.Account.GetAsync(first["meta"].Str("next_page_url")!)).Expect(200);
        var again = (await api.Account.GetAsync(second["meta"].Str("url")!)).Expect(200);
        Assert.Equal(second["entities"]!.ToJsonString(), again["entities"]!.ToJsonString());
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1000")]
    public async Task PageSize_from_1_to_1000_is_honoured(string size)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        Assert.Equal(int.Parse(size, System.Globalization.CultureInfo.InvariantCulture), (await api.Account.GetAsync($"/v2/Services/{service}/Entities?PageSize={size}")).Expect(200)["meta"].Int("page_size"));
    }

    [Theory]
    [InlineData("PageSize=0")]
    [InlineData("PageSize=1001")]
    [InlineData("PageSize=-5")]
    [InlineData("PageSize=ten")]
    [InlineData("Page=-1")]
    [InlineData("PageToken=garbage")]
    [InlineData("PageToken=PA")]
    [InlineData("PageToken=PAx_1")]
    [InlineData("PageToken=PA1_x")]
    public async Task Invalid_paging_parameters_return_60200(string query)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        (await api.Account.GetAsync($"/v2/Services/{service}/Entities?{query}")).ExpectError(60200, 400);
        (await api.Account.GetAsync($"/v2/Services?{query}")).ExpectError(60200, 400);
    }

    [Fact]
    public async Task Page_urls_of_a_filtered_challenge_list_keep_the_filters()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        for (var i = 0; i < 3; i++)
        {
            await api.CreateChallengeAsync(e);
        }

        var first = (await api.Account.GetAsync($"{e.EntityPath}/Challenges?FactorSid={e.Factor.Sid}&Status=pending&Order=desc&PageSize=2")).Expect(200);
        var next = first["meta"].Str("next_page_url")!;
        Assert.Contains("Status=pending", next);
        Assert.Contains("Order=desc", next);
        Assert.Contains("FactorSid=" + e.Factor.Sid, next);
        Assert.Single((await api.Account.GetAsync(next)).Expect(200)["challenges"]!.AsArray());
    }

    [Fact]
    public async Task A_configured_public_url_is_used_for_every_absolute_url()
    {
        await using var api = await TestApi.StartAsync(new Dictionary<string, string?> { ["OpenVerify:PublicUrl"] = "https://verify.example.com" });
        var service = (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "x"))).Expect(201);
        Assert.Equal($"https://verify.example.com/v2/Services/{service.Str("sid")}", service.Str("url"));
        Assert.StartsWith("https://verify.example.com/", service["links"].Str("entities"));
        var list = (await api.Account.GetAsync("/v2/Services?PageSize=1")).Expect(200);
        Assert.StartsWith("https://verify.example.com/v2/Services?", list["meta"].Str("url"));
    }
}
