using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Storage;
using OpenVerify.Server.Tests.Infrastructure;
using OtpNet;

namespace OpenVerify.Server.Tests.Factors.Totp;

/// <summary>CreateNewFactor and UpdateFactor for totp factors (docs/protocol/rest-api.md §2.3–2.4, (b) 35–38; docs/protocol/service-behaviour.md §4–5).</summary>
public sealed class TotpFactorTests
{
    [Fact]
    public async Task Binding_secret_and_config_are_kept_and_the_uri_names_the_service_issuer()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync("My Service", ("Totp.Issuer", "My Inc"));
        var created = (await api.Account.PostAsync($"/v2/Services/{service}/Entities/{TestApi.NewIdentity()}/Factors",
            ("FriendlyName", "alice@example.com"), ("FactorType", "totp"), ("Binding.Secret", "gezdgnbvgy3tqojqgezdgnbvgy3tqojq"),
            ("Config.Alg", "sha256"), ("Config.TimeStep", "60"), ("Config.CodeLength", "8"), ("Config.Skew", "2"))).Expect(201);
        Assert.Equal("unverified", created.Str("status"));
        Assert.Equal("totp", created.Str("factor_type"));
        Assert.Equal(new JsonObject { ["secret"] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", ["uri"] = "otpauth://totp/My%20Inc:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=My%20Inc&algorithm=SHA256&digits=8&period=60" },
            created["binding"], JsonNode.DeepEquals);
        Assert.Equal(new JsonObject { ["alg"] = "sha256", ["skew"] = 2, ["code_length"] = 8, ["time_step"] = 60 }, created["config"], JsonNode.DeepEquals);
        Assert.Null(created["options"]);
    }

    [Fact]
    public async Task Config_defaults_come_from_the_service_totp_settings()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync("Defaults", ("Totp.TimeStep", "20"), ("Totp.CodeLength", "4"), ("Totp.Skew", "0"));
        var created = (await api.Account.PostAsync($"/v2/Services/{service}/Entities/{TestApi.NewIdentity()}/Factors", ("FriendlyName", "bob"), ("FactorType", "totp"))).Expect(201);
        Assert.Equal(new JsonObject { ["alg"] = "sha1", ["skew"] = 0, ["code_length"] = 4, ["time_step"] = 20 }, created["config"], JsonNode.DeepEquals);
        var secret = created["binding"].Str("secret")!;
        Assert.Equal(20, Base32Encoding.ToBytes(secret).Length);
        // The issuer falls back to the service's friendly name.
        Assert.Equal($"otpauth://totp/Defaults:bob?secret={secret}&issuer=Defaults&algorithm=SHA1&digits=4&period=20", created["binding"].Str("uri"));
    }

    [Theory]
    [InlineData("Config.Alg", "md5")]
    [InlineData("Config.TimeStep", "19")]
    [InlineData("Config.TimeStep", "61")]
    [InlineData("Config.CodeLength", "2")]
    [InlineData("Config.CodeLength", "9")]
    [InlineData("Config.Skew", "3")]
    [InlineData("Binding.Secret", "GEZDGNBVGY3TQOJ1")]
    [InlineData("Binding.Secret", "GEZDGNBVGY3TQOI")]
    public async Task Out_of_range_totp_parameters_are_refused_with_60200_and_nothing_is_stored(string name, string value)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        (await api.Account.PostAsync($"/v2/Services/{service}/Entities/{identity}/Factors", ("FriendlyName", "x"), ("FactorType", "totp"), (name, value))).ExpectError(60200, 400);
        Assert.Empty((await api.Account.GetAsync($"/v2/Services/{service}/Entities/{identity}/Factors")).Expect(200)["factors"]!.AsArray());
    }

    [Fact]
    public async Task The_secret_is_returned_on_creation_only_and_sealed_at_rest()
    {
        await using var api = await TestApi.StartAsync();
        var totp = await api.CreateTotpAsync(verify: false);
        var secret = Base32Encoding.ToString(totp.Secret);
        var fetched = (await api.Account.GetAsync(totp.FactorPath)).Expect(200);
        Assert.Null(fetched["binding"]);
        Assert.DoesNotContain(secret, fetched.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(["alg", "skew", "code_length", "time_step"], fetched["config"]!.AsObject().Select(p => p.Key));
        var listed = (await api.Account.GetAsync(totp.EntityPath + "/Factors")).Expect(200);
        Assert.DoesNotContain(secret, listed.ToJsonString(), StringComparison.Ordinal);
        await using var connection = await api.Services.GetRequiredService<IDatabase>().OpenReadAsync(CancellationToken.None);
        var stored = await connection.QuerySingleAsync<string>("SELECT totp_secret FROM factors WHERE sid = @sid", new { sid = totp.FactorSid });
        Assert.StartsWith("v1.", stored);
        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_right_code_verifies_the_factor_and_a_wrong_one_is_refused_with_60311()
    {
        await using var api = await TestApi.StartAsync();
        var totp = await api.CreateTotpAsync(verify: false);
        var now = api.Clock.GetUtcNow();
        (await api.Account.PostAsync(totp.FactorPath, ("AuthPayload", totp.WrongCodeAt(now)))).ExpectError(60311, 403);
        Assert.Equal("unverified", (await api.Account.GetAsync(totp.FactorPath)).Expect(200).Str("status"));
        var verified = await api.Account.PostAsync(totp.FactorPath, ("FriendlyName", "renamed"), ("AuthPayload", totp.CodeAt(now)));
        Assert.Equal(("verified", "renamed"), (verified.Expect(200).Str("status"), verified.Json.Str("friendly_name")));
        Assert.NotNull(verified.Header("Twilio-Verify-Factor-Signature"));
    }

    [Fact]
    public async Task A_refused_code_changes_nothing_else_the_request_asks()
    {
        await using var api = await TestApi.StartAsync();
        var totp = await api.CreateTotpAsync(verify: false);
        (await api.Account.PostAsync(totp.FactorPath, ("FriendlyName", "renamed"), ("Config.CodeLength", "8"), ("AuthPayload", totp.WrongCodeAt(api.Clock.GetUtcNow())))).ExpectError(60311, 403);
        var fetched = (await api.Account.GetAsync(totp.FactorPath)).Expect(200);
        Assert.Equal(("alice@example", 6), (fetched.Str("friendly_name"), fetched["config"].Int("code_length")));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(2)]
    public async Task Codes_within_the_skew_are_accepted_and_the_first_outside_it_is_refused(int skew)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var now = api.Clock.GetUtcNow();
        foreach (var steps in Enumerable.Range(-skew - 1, 2 * skew + 3))
        {
            var totp = await api.CreateTotpAsync(service, verify: false, ("Config.Skew", skew.ToString(CultureInfo.InvariantCulture)));
            var response = await api.Account.PostAsync(totp.FactorPath, ("AuthPayload", totp.CodeAt(now, steps)));
            if (Math.Abs(steps) <= skew)
            {
                Assert.True(response.StatusCode == 200, $"step {steps} with skew {skew}: {response}");
            }
            else
            {
                response.ExpectError(60311, 403);
            }
        }
    }

    [Fact]
    public async Task Config_changes_on_update_apply_to_later_codes()
    {
        await using var api = await TestApi.StartAsync();
        var totp = await api.CreateTotpAsync();
        var updated = (await api.Account.PostAsync(totp.FactorPath, ("Config.CodeLength", "8"), ("Config.Alg", "sha512"))).Expect(200);
        Assert.Equal(new JsonObject { ["alg"] = "sha512", ["skew"] = 1, ["code_length"] = 8, ["time_step"] = 30 }, updated["config"], JsonNode.DeepEquals);
        var now = api.Clock.GetUtcNow();
        var eight = totp with { Digits = 8, Mode = OtpHashMode.Sha512 };
        Assert.Equal("approved", (await api.PostTotpChallengeAsync(totp, eight.CodeAt(now))).Expect(201).Str("status"));
    }

    [Fact]
    public async Task An_enrolment_access_token_cannot_create_a_totp_factor()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var token = await api.CreateAccessTokenAsync(service, identity);
        var response = await api.As("token", token).PostAsync($"/v2/Services/{service}/Entities/{identity}/Factors", ("FriendlyName", "x"), ("FactorType", "totp"));
        response.ExpectError(20403, 403);
    }

    [Fact]
    public async Task Another_account_gets_404_for_a_totp_factor_it_does_not_own()
    {
        await using var api = await TestApi.StartAsync();
        var totp = await api.CreateTotpAsync(verify: false);
        var other = await api.CreateOtherAccountAsync();
        (await other.PostAsync(totp.FactorPath, ("AuthPayload", totp.CodeAt(api.Clock.GetUtcNow())))).ExpectError(20404, 404);
        Assert.Equal("unverified", (await api.Account.GetAsync(totp.FactorPath)).Expect(200).Str("status"));
    }
}
