
namespace OpenVerify.Server.Tests.Http;

public sealed class WireFormatTests
{
    [Fact]
    public async Task Every_resource_has_sids_with_the_right_prefix_and_32_hex_digits()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var challenge = await api.CreateChallengeAsync(e);
        var notification = (await api.Account.PostAsync(e.ChallengePath(challenge.Str("sid")!) + "/Notifications")).Expect(201);
        var webhook = (await api.Account.PostAsync($"/v2/Services/{e.ServiceSid}/Webhooks", ("FriendlyName", "h"), ("EventTypes", "*"), ("WebhookUrl", "http://127.0.0.1:9/h"))).Expect(201);
        var token = (await api.Account.PostAsync($"/v2/Services/{e.ServiceSid}/AccessTokens", ("Identity", e.Identity), ("FactorType", "push"))).Expect(201);
        var entity = (await api.Account.GetAsync(e.EntityPath)).Expect(200);
        var factor = (await api.Account.GetAsync(e.FactorPath)).Expect(200);
        var service = (await api.Account.GetAsync($"/v2/Services/{e.ServiceSid}")).Expect(200);
        foreach (var (body, prefix) in new (JsonObject, string)[] { (service, "VA"), (entity, "YE"), (factor, "YF"), (challenge, "YC"), (notification, "NT"), (webhook, "YW"), (token, "YK") })
        {
            Assert.Matches($"^{prefix}[0-9a-fA-F]{{32}}$", body.Str("sid"));
            Assert.Matches("^AC[0-9a-fA-F]{32}$", body.Str("account_sid"));
        }
    }

    [Fact]
    public async Task Every_timestamp_of_every_resource_is_an_iso_utc_second()
    {
        await using var api = await TestApi.StartAsync();
        api.Clock.Advance(TimeSpan.FromMilliseconds(987));
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e, ("ExpirationDate", api.Clock.GetUtcNow().AddMinutes(30).ToOffset(TimeSpan.FromHours(1)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture)))).Str("sid")!;
        await e.Device.ApproveAsync(e.Factor, sid);
        var challenge = (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200);
        foreach (var name in (string[])["date_created", "date_updated", "date_responded", "expiration_date"])
        {
            Assert.Matches(ApiResponse.TwilioDate(), challenge.Str(name)!);
        }

        foreach (var exchange in e.Device.Exchanges.Where(x => x.Response.IsSuccess && x.Response.Body.Length > 0))
        {
            ApiResponse.CheckDates(exchange.Response.Json!, exchange.Url);
        }
    }

    [Fact]
    public async Task Json_responses_use_snake_case_and_write_null_values_out()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var challenge = await api.CreateChallengeAsync(e);
        Assert.True(challenge.ContainsKey("date_responded"));
        Assert.True(challenge.ContainsKey("hidden_details"));
        Assert.True(challenge.ContainsKey("metadata"));
        Assert.DoesNotContain(challenge, p => p.Key.Any(char.IsUpper));
    }
}
