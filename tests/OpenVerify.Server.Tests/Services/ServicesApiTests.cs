
namespace OpenVerify.Server.Tests.Services;

public sealed class ServicesApiTests
{
    [Fact]
    public async Task Creating_a_service_returns_201_with_sid_name_push_totp_and_links()
    {
        await using var api = await TestApi.StartAsync();
        var service = (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "My Service"))).Expect(201);
        Assert.Matches("^VA[0-9a-f]{32}$", service.Str("sid"));
        Assert.Equal("My Service", service.Str("friendly_name"));
        Assert.Equal(api.AccountSid, service.Str("account_sid"));
        Assert.Matches("^AC[0-9a-fA-F]{32}$", service.Str("account_sid"));
        Assert.IsType<JsonObject>(service["push"]);
        Assert.IsType<JsonObject>(service["totp"]);
        Assert.IsType<JsonObject>(service["links"]);
        Assert.Equal($"http://localhost/v2/Services/{service.Str("sid")}", service.Str("url"));
    }

    [Fact]
    public async Task Creating_a_service_without_FriendlyName_returns_20001()
    {
        await using var api = await TestApi.StartAsync();
        (await api.Account.PostAsync("/v2/Services", ("CodeLength", "6"))).ExpectError(20001, 400);
    }

    [Fact]
    public async Task Unknown_form_keys_such_as_MailerSid_are_ignored()
    {
        await using var api = await TestApi.StartAsync();
        (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "x"), ("MailerSid", "MD" + new string('0', 32)), ("Whatever.Nested", "1"))).Expect(201);
    }

    [Fact]
    public async Task Push_credential_sids_are_echoed_and_null_when_unset()
    {
        await using var api = await TestApi.StartAsync();
        var apn = await TestApi.CreateApnCredentialAsync(api.Account);
        var unset = (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "x"))).Expect(201);
        Assert.Null(unset["push"]!["apn_credential_sid"]);
        Assert.Null(unset["push"]!["fcm_credential_sid"]);
        Assert.True(unset["push"]!.AsObject().ContainsKey("apn_credential_sid"));
        var set = (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "x"), ("Push.ApnCredentialSid", apn))).Expect(201);
        Assert.Equal(apn, set["push"].Str("apn_credential_sid"));
        Assert.Null(set["push"]!["fcm_credential_sid"]);
    }

    [Theory]
    [InlineData("Push.ApnCredentialSid", "CRnothex")]
    [InlineData("Push.FcmCredentialSid", "XX00000000000000000000000000000000")]
    [InlineData("DefaultTemplateSid", "HJ123")]
    [InlineData("DefaultTemplateSid", "CR00000000000000000000000000000000")]
    public async Task A_sid_setting_that_does_not_match_its_pattern_returns_60200(string key, string value)
    {
        await using var api = await TestApi.StartAsync();
        (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "x"), (key, value))).ExpectError(60200, 400);
    }

    [Fact]
    public async Task DefaultTemplateSid_is_echoed_as_default_template_sid()
    {
        await using var api = await TestApi.StartAsync();
        var hj = "HJ" + new string('b', 32);
        var service = (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "x"), ("DefaultTemplateSid", hj))).Expect(201);
        Assert.Equal(hj, service.Str("default_template_sid"));
    }

    [Fact]
    public async Task Push_IncludeDate_defaults_to_false_and_is_echoed_when_set()
    {
        await using var api = await TestApi.StartAsync();
        var plain = (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "x"))).Expect(201);
        Assert.False(plain["push"]!["include_date"]!.GetValue<bool>());
        var withDate = (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "x"), ("Push.IncludeDate", "true"))).Expect(201);
        Assert.True(withDate["push"]!["include_date"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public async Task Boolean_form_values_true_and_false_are_accepted(string wire, bool expected)
    {
        await using var api = await TestApi.StartAsync();
        var service = (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "x"), ("LookupEnabled", wire), ("Psd2Enabled", wire))).Expect(201);
        Assert.Equal(expected, service["lookup_enabled"]!.GetValue<bool>());
        Assert.Equal(expected, service["psd2_enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_boolean_that_is_not_true_or_false_returns_60200()
    {
        await using var api = await TestApi.StartAsync();
        (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "x"), ("Push.IncludeDate", "yes"))).ExpectError(60200, 400);
    }

    [Fact]
    public async Task An_unconfigured_service_shows_all_totp_settings_as_null()
    {
        await using var api = await TestApi.StartAsync();
        var totp = (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "x"))).Expect(201)["totp"]!.AsObject();
        foreach (var key in (string[])["issuer", "time_step", "code_length", "skew"])
        {
            Assert.True(totp.ContainsKey(key));
            Assert.Null(totp[key]);
        }
    }

    [Fact]
    public async Task Totp_settings_are_echoed_under_totp()
    {
        await using var api = await TestApi.StartAsync();
        var totp = (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "x"), ("Totp.Issuer", "My Inc"), ("Totp.TimeStep", "30"), ("Totp.CodeLength", "6"), ("Totp.Skew", "1")))
            .Expect(201)["totp"];
        Assert.Equal("My Inc", totp.Str("issuer"));
        Assert.Equal(30, totp.Int("time_step"));
        Assert.Equal(6, totp.Int("code_length"));
        Assert.Equal(1, totp.Int("skew"));
    }

    [Theory]
    [InlineData("Totp.TimeStep", "19")]
    [InlineData("Totp.TimeStep", "61")]
    [InlineData("Totp.CodeLength", "2")]
    [InlineData("Totp.CodeLength", "9")]
    [InlineData("Totp.Skew", "-1")]
    [InlineData("Totp.Skew", "3")]
    [InlineData("Totp.Skew", "one")]
    [InlineData("CodeLength", "11")]
    public async Task Out_of_range_totp_settings_return_60200(string key, string value)
    {
        await using var api = await TestApi.StartAsync();
        (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "x"), (key, value))).ExpectError(60200, 400);
    }

    [Fact]
    public async Task Service_links_name_all_seven_sub_collections_with_absolute_urls()
    {
        await using var api = await TestApi.StartAsync();
        var service = (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "x"))).Expect(201);
        var url = service.Str("url");
        var links = service["links"]!.AsObject();
        Assert.Equal(url + "/Entities", links.Str("entities"));
        Assert.Equal(url + "/Webhooks", links.Str("webhooks"));
        Assert.Equal(url + "/AccessTokens", links.Str("access_tokens"));
        foreach (var key in (string[])["verification_checks", "verifications", "rate_limits", "messaging_configurations"])
        {
            Assert.StartsWith(url + "/", links.Str(key));
        }
    }

    [Fact]
    public async Task Updating_a_service_changes_only_the_supplied_fields()
    {
        await using var api = await TestApi.StartAsync();
        var sid = await api.CreateServiceAsync("Before", ("Push.IncludeDate", "true"), ("Totp.Issuer", "Issuer"));
        api.Clock.Advance(TimeSpan.FromSeconds(5));
        var updated = (await api.Account.PostAsync($"/v2/Services/{sid}", ("FriendlyName", "After"))).Expect(200);
        Assert.Equal("After", updated.Str("friendly_name"));
        Assert.True(updated["push"]!["include_date"]!.GetValue<bool>());
        Assert.Equal("Issuer", updated["totp"].Str("issuer"));
        Assert.NotEqual(updated.Str("date_created"), updated.Str("date_updated"));
        var fetched = (await api.Account.GetAsync($"/v2/Services/{sid}")).Expect(200);
        Assert.Equal("After", fetched.Str("friendly_name"));
        Assert.True(fetched["push"]!["include_date"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("Totp.Skew", "9")]
    [InlineData("Push.ApnCredentialSid", "CR1")]
    [InlineData("FriendlyName", "")]
    public async Task An_invalid_update_returns_60200_and_changes_nothing(string key, string value)
    {
        await using var api = await TestApi.StartAsync();
        var sid = await api.CreateServiceAsync("Before");
        var before = (await api.Account.GetAsync($"/v2/Services/{sid}")).Expect(200).ToJsonString();
        (await api.Account.PostAsync($"/v2/Services/{sid}", ("TtsName", "After"), ("Push.IncludeDate", "true"), (key, value))).ExpectError(60200, 400);
        Assert.Equal(before, (await api.Account.GetAsync($"/v2/Services/{sid}")).Expect(200).ToJsonString());
    }

    [Fact]
    public async Task Fetching_listing_and_deleting_a_service_work_and_a_deleted_service_is_404()
    {
        await using var api = await TestApi.StartAsync();
        var sid = await api.CreateServiceAsync();
        Assert.Equal(sid, (await api.Account.GetAsync($"/v2/Services/{sid}")).Expect(200).Str("sid"));
        Assert.Contains(sid, (await api.Account.GetAsync("/v2/Services")).Expect(200).Sids("services"));
        (await api.Account.DeleteAsync($"/v2/Services/{sid}")).Expect(204);
        (await api.Account.GetAsync($"/v2/Services/{sid}")).ExpectError(20404, 404);
        (await api.Account.DeleteAsync($"/v2/Services/{sid}")).ExpectError(20404, 404);
    }

    [Theory]
    [InlineData("VA123")]
    [InlineData("VAzz000000000000000000000000000000")]
    [InlineData("YE00000000000000000000000000000000")]
    public async Task A_malformed_service_sid_in_the_path_is_404_20404(string sid)
    {
        await using var api = await TestApi.StartAsync();
        (await api.Account.GetAsync($"/v2/Services/{sid}")).ExpectError(20404, 404);
        (await api.Account.PostAsync($"/v2/Services/{sid}", ("FriendlyName", "x"))).ExpectError(20404, 404);
        (await api.Account.DeleteAsync($"/v2/Services/{sid}")).ExpectError(20404, 404);
    }

    [Fact]
    public async Task Another_account_gets_404_for_a_service_and_does_not_see_it_listed()
    {
        await using var api = await TestApi.StartAsync();
        var sid = await api.CreateServiceAsync();
        var other = await api.CreateOtherAccountAsync();
        (await other.GetAsync($"/v2/Services/{sid}")).ExpectError(20404, 404);
        (await other.PostAsync($"/v2/Services/{sid}", ("FriendlyName", "stolen"))).ExpectError(20404, 404);
        (await other.DeleteAsync($"/v2/Services/{sid}")).ExpectError(20404, 404);
        Assert.DoesNotContain(sid, (await other.GetAsync("/v2/Services")).Expect(200).Sids("services"));
        Assert.Equal("Test service", (await api.Account.GetAsync($"/v2/Services/{sid}")).Expect(200).Str("friendly_name"));
    }

    [Fact]
    public async Task Deleting_a_service_removes_its_entities_and_factors()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        (await api.Account.DeleteAsync($"/v2/Services/{e.ServiceSid}")).Expect(204);
        (await api.Account.GetAsync(e.EntityPath)).ExpectError(20404, 404);
        var jwt = await Record.ExceptionAsync(() => e.Device.GetServiceAsync(e.Factor));
        Assert.Equal(401, Assert.IsType<TestKit.Devices.DeviceException>(jwt).StatusCode);
    }
}
