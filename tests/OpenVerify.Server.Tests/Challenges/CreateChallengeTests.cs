using System.Text.Json;
using OpenVerify.Server.Tests.Infrastructure;

namespace OpenVerify.Server.Tests.Challenges;

public sealed class CreateChallengeTests
{
    private static string Wire(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Creating_a_push_challenge_returns_201_pending_with_the_full_shape()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var c = await api.CreateChallengeAsync(e,
            ("Details.Message", "Hi! Mr. John Doe, would you like to sign up?"),
            ("Details.Fields", """{"label":"Action","value":"Sign up in portal"}"""),
            ("HiddenDetails", """{"ip":"172.168.1.234"}"""));
        Assert.Matches("^YC[0-9a-f]{32}$", c.Str("sid"));
        Assert.Equal("pending", c.Str("status"));
        Assert.Equal(e.Factor.Sid, c.Str("factor_sid"));
        Assert.Equal("push", c.Str("factor_type"));
        Assert.Equal("none", c.Str("responded_reason"));
        Assert.Null(c["date_responded"]);
        Assert.True(c.ContainsKey("date_responded"));
        Assert.Equal("Hi! Mr. John Doe, would you like to sign up?", c["details"].Str("message"));
        Assert.Equal("Action", c["details"]!["fields"]![0].Str("label"));
        Assert.Equal("Sign up in portal", c["details"]!["fields"]![0].Str("value"));
        Assert.Equal("172.168.1.234", c["hidden_details"].Str("ip"));
        Assert.Null(c["metadata"]);
        var url = $"http://localhost{e.EntityPath}/Challenges/{c.Str("sid")}";
        Assert.Equal(url, c.Str("url"));
        Assert.Equal(url + "/Notifications", c["links"].Str("notifications"));
        Assert.Equal(e.Identity, c.Str("identity"));
        Assert.Matches("^YE[0-9a-f]{32}$", c.Str("entity_sid"));
    }

    [Fact]
    public async Task Without_ExpirationDate_a_challenge_expires_five_minutes_after_creation()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var c = await api.CreateChallengeAsync(e);
        Assert.Equal(Wire(api.Clock.GetUtcNow()), c.Str("date_created"));
        Assert.Equal(Wire(api.Clock.GetUtcNow().AddMinutes(5)), c.Str("expiration_date"));
    }

    [Fact]
    public async Task An_ExpirationDate_within_an_hour_is_kept()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var at = api.Clock.GetUtcNow().AddMinutes(60);
        Assert.Equal(Wire(at), (await api.CreateChallengeAsync(e, ("ExpirationDate", Wire(at))))["expiration_date"]!.GetValue<string>());
        var offset = api.Clock.GetUtcNow().AddMinutes(30).ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Wire(api.Clock.GetUtcNow().AddMinutes(30)), (await api.CreateChallengeAsync(e, ("ExpirationDate", offset)))["expiration_date"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(61)]
    [InlineData(-1)]
    [InlineData(0)]
    public async Task An_ExpirationDate_in_the_past_or_over_an_hour_ahead_returns_60384_and_writes_nothing(int minutes)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        (await api.PostChallengeAsync(e, ("ExpirationDate", Wire(api.Clock.GetUtcNow().AddMinutes(minutes))))).ExpectError(60384, 400);
        Assert.Empty((await api.Account.GetAsync(e.EntityPath + "/Challenges")).Expect(200)["challenges"]!.AsArray());
    }

    [Theory]
    [InlineData("2030-01-02T03.04.05Z", 60200)]
    [InlineData("1451-08-27T03:04:05Z", 60384)]
    [InlineData("2030-01-02T03:04:05", 60200)]
    [InlineData("2030-13-02T03:04:05Z", 60200)]
    [InlineData("tomorrow", 60200)]
    [InlineData("", 60200)]
    [InlineData("2030-01-02T03:04:05+25:00", 60200)]
    public async Task A_malformed_or_past_ExpirationDate_is_refused_with_its_code_and_writes_nothing(string date, int code)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        (await api.PostChallengeAsync(e, ("ExpirationDate", date))).ExpectError(code, 400);
        Assert.Empty((await api.Account.GetAsync(e.EntityPath + "/Challenges")).Expect(200)["challenges"]!.AsArray());
    }

    [Fact]
    public async Task Details_Fields_sent_as_repeated_keys_are_kept_in_order()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var fields = Enumerable.Range(1, 20).Select(i => ("Details.Fields", $$"""{"label":"L{{i}}","value":"V{{i}}"}""")).ToArray();
        var c = await api.CreateChallengeAsync(e, fields);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => "L" + i), c["details"]!["fields"]!.AsArray().Select(f => f.Str("label")));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => "V" + i), c["details"]!["fields"]!.AsArray().Select(f => f.Str("value")));
    }

    [Fact]
    public async Task Details_Fields_from_a_csharp_poco_with_capitalised_names_are_accepted()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var c = await api.CreateChallengeAsync(e, ("Details.Fields", """{"Label":"Location","Value":"Berlin, DE & more=yes"}"""));
        Assert.Equal("Location", c["details"]!["fields"]![0].Str("label"));
        Assert.Equal("Berlin, DE & more=yes", c["details"]!["fields"]![0].Str("value"));
    }

    [Fact]
    public async Task A_challenge_without_fields_or_hidden_details_has_empty_fields_and_null_hidden_details()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var c = await api.CreateChallengeAsync(e);
        Assert.Empty(c["details"]!["fields"]!.AsArray());
        Assert.True(c.ContainsKey("hidden_details"));
        Assert.Null(c["hidden_details"]);
        Assert.False(c["details"]!.AsObject().ContainsKey("date"));
    }

    [Fact]
    public async Task A_service_with_Push_IncludeDate_adds_details_date_equal_to_date_created()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolAsync(await api.CreateServiceAsync("x", ("Push.IncludeDate", "true")));
        var c = await api.CreateChallengeAsync(e);
        Assert.Equal(c.Str("date_created"), c["details"].Str("date"));
    }

    [Fact]
    public async Task A_missing_Details_Message_returns_60368()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        (await api.Account.PostAsync(e.EntityPath + "/Challenges", ("FactorSid", e.Factor.Sid))).ExpectError(60368, 400);
    }

    public static TheoryData<string, string> DetailsOverLimits() => new()
    {
        { "message", new string('m', 257) },
        { "fields", "21" },
        { "label", new string('l', 37) },
        { "value", new string('v', 129) },
        { "not-json", "{label:Action}" },
        { "array", """["Action","x"]""" },
        { "no-label", """{"value":"x"}""" },
        { "nested", """{"label":"A","value":{"x":"y"}}""" },
    };

    [Theory]
    [MemberData(nameof(DetailsOverLimits))]
    public async Task Details_beyond_the_limits_or_not_label_value_objects_return_60368_and_write_nothing(string what, string value)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        (string, string)[] form = what switch
        {
            "message" => [("Details.Message", value)],
            "fields" => Enumerable.Range(0, 21).Select(i => ("Details.Fields", $$"""{"label":"L{{i}}","value":"v"}""")).ToArray(),
            "label" => [("Details.Fields", JsonSerializer.Serialize(new { label = value, value = "v" }))],
            "value" => [("Details.Fields", JsonSerializer.Serialize(new { label = "L", value }))],
            _ => [("Details.Fields", value)],
        };
        (await api.PostChallengeAsync(e, form)).ExpectError(60368, 400);
        Assert.Empty((await api.Account.GetAsync(e.EntityPath + "/Challenges")).Expect(200)["challenges"]!.AsArray());
    }

    [Fact]
    public async Task Details_at_the_limits_are_accepted()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var c = await api.CreateChallengeAsync(e, ("Details.Message", new string('m', 256)), ("Details.Fields", JsonSerializer.Serialize(new { label = new string('l', 36), value = new string('v', 128) })));
        Assert.Equal(256, c["details"].Str("message")!.Length);
    }

    [Theory]
    [InlineData("{\"ip\":1}")]
    [InlineData("[\"ip\"]")]
    [InlineData("{ip:\"1\"}")]
    [InlineData("null")]
    [InlineData("{\"ip\":null}")]
    public async Task HiddenDetails_that_is_not_an_object_of_strings_returns_60200_and_writes_nothing(string hidden)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        (await api.PostChallengeAsync(e, ("HiddenDetails", hidden))).ExpectError(60200, 400);
        Assert.Empty((await api.Account.GetAsync(e.EntityPath + "/Challenges")).Expect(200)["challenges"]!.AsArray());
    }

    [Fact]
    public async Task HiddenDetails_over_1024_characters_returns_60200()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        (await api.PostChallengeAsync(e, ("HiddenDetails", "{\"k\":\"" + new string('x', 1018) + "\"}"))).ExpectError(60200, 400);
        (await api.PostChallengeAsync(e, ("HiddenDetails", "{\"k\":\"" + new string('x', 1016) + "\"}"))).Expect(201);
    }

    [Fact]
    public async Task FactorSid_is_required_and_must_match_the_YF_pattern()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        (await api.Account.PostAsync(e.EntityPath + "/Challenges", ("Details.Message", "x"))).ExpectError(20001, 400);
        (await api.Account.PostAsync(e.EntityPath + "/Challenges", ("FactorSid", "YF123"), ("Details.Message", "x"))).ExpectError(60200, 400);
        (await api.Account.PostAsync(e.EntityPath + "/Challenges", ("FactorSid", "YC" + new string('0', 32)), ("Details.Message", "x"))).ExpectError(60200, 400);
    }

    [Fact]
    public async Task A_factor_of_another_entity_cannot_be_challenged_under_this_identity()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var alice = await api.EnrolAsync(service);
        var bob = await api.EnrolAsync(service);
        (await api.Account.PostAsync(alice.EntityPath + "/Challenges", ("FactorSid", bob.Factor.Sid), ("Details.Message", "x"))).ExpectError(20404, 404);
    }

    [Fact]
    public async Task An_unverified_factor_cannot_be_challenged_60318()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolAsync(await api.CreateServiceAsync(), verify: false);
        (await api.PostChallengeAsync(e)).ExpectError(60318, 403);
    }

    [Fact]
    public async Task A_totp_challenge_with_the_right_code_is_created_approved()
    {
        await using var api = await TestApi.StartAsync();
        var totp = await api.CreateTotpAsync();
        var response = await api.Account.PostAsync(totp.EntityPath + "/Challenges", ("FactorSid", totp.FactorSid), ("AuthPayload", totp.CodeAt(api.Clock.GetUtcNow())));
        var created = response.Expect(201);
        Assert.Equal(("approved", "totp", totp.FactorSid), (created.Str("status"), created.Str("factor_type"), created.Str("factor_sid")));
        Assert.Equal(created.Str("date_created"), created.Str("date_responded"));
        Assert.Equal(created.Str("url"), response.Header("Location"));
    }

    [Fact]
    public async Task A_device_cannot_create_challenges()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var response = await e.Device.SendAsync(HttpMethod.Post, e.EntityPath["/v2/".Length..] + "/Challenges",
            [new("FactorSid", e.Factor.Sid), new("Details.Message", "self-approve")], e.Device.CreateDeviceJwt(e.Factor));
        Assert.Equal(401, response.StatusCode);
    }

    [Fact]
    public async Task Another_account_gets_404_when_challenging_a_factor_it_does_not_own()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var other = await api.CreateOtherAccountAsync();
        (await other.PostAsync(e.EntityPath + "/Challenges", ("FactorSid", e.Factor.Sid), ("Details.Message", "x"))).ExpectError(20404, 404);
    }
}
