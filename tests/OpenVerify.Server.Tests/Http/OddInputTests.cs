
namespace OpenVerify.Server.Tests.Http;

/// <summary>Odd values in every parameter never produce a 5xx: every failure is a Twilio-shaped 4xx.</summary>
public sealed class OddInputTests
{
    private static readonly string[] OddValues =
    [
        "", " ", new string('x', 10_000), "99999999999999999999", "-2147483649", "2147483647", "0x10", "1e3", "null", "{}", "[]",
        "\u0000", "%00", "\ud83d\ude00", "\ud800", "../../etc/passwd", "' OR 1=1 --", "<script>", "true", "YF00000000000000000000000000000000",
    ];

    private static readonly string[] Keys =
    [
        "FriendlyName", "Identity", "FactorType", "FactorSid", "Binding.PublicKey", "Binding.Alg", "Config.AppId", "Config.SdkVersion", "Config.NotificationPlatform",
        "Config.NotificationToken", "Metadata", "Details.Message", "Details.Fields", "HiddenDetails", "ExpirationDate", "AuthPayload", "Ttl", "EventTypes", "WebhookUrl",
        "Status", "Version", "Push.IncludeDate", "Totp.TimeStep", "CodeLength", "PageSize", "Page", "PageToken", "Order",
    ];

    [Fact]
    public async Task Odd_values_in_any_parameter_of_any_operation_never_produce_a_5xx()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var challenge = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var webhook = (await api.Account.PostAsync($"/v2/Services/{e.ServiceSid}/Webhooks", ("FriendlyName", "h"), ("EventTypes", "*"), ("WebhookUrl", "http://127.0.0.1:9/h"))).Expect(201).Str("sid");
        string[] posts = ["/v2/Services", $"/v2/Services/{e.ServiceSid}", $"/v2/Services/{e.ServiceSid}/Entities", e.EntityPath + "/Factors", e.FactorPath, e.EntityPath + "/Challenges",
            e.ChallengePath(challenge), e.ChallengePath(challenge) + "/Notifications", $"/v2/Services/{e.ServiceSid}/Webhooks", $"/v2/Services/{e.ServiceSid}/Webhooks/{webhook}",
            $"/v2/Services/{e.ServiceSid}/AccessTokens"];
        string[] gets = ["/v2/Services", $"/v2/Services/{e.ServiceSid}/Entities", e.EntityPath + "/Factors", e.EntityPath + "/Challenges", $"/v2/Services/{e.ServiceSid}/Webhooks"];
        var failures = new List<string>();
        foreach (var key in Keys)
        {
            foreach (var value in OddValues)
            {
                foreach (var path in posts)
                {
                    var response = await api.Account.PostAsync(path, (key, value));
                    if (response.StatusCode >= 500)
                    {
                        failures.Add($"POST {path} {key}={value[..Math.Min(value.Length, 30)]}: {response}");
                    }
                }

                foreach (var path in gets)
                {
                    var response = await api.Account.GetAsync(path + "?" + Uri.EscapeDataString(key) + "=" + Uri.EscapeDataString(value));
                    if (response.StatusCode >= 500)
                    {
                        failures.Add($"GET {path} {key}={value[..Math.Min(value.Length, 30)]}: {response}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public async Task A_NUL_character_in_a_text_parameter_is_a_400_on_every_storage()
    {
        // Note: PostgreSQL text cannot hold U+0000 (SQLite can), so the API refuses it before it reaches storage.
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var webhook = (await api.Account.PostAsync($"/v2/Services/{e.ServiceSid}/Webhooks", ("FriendlyName", "h"), ("EventTypes", "*"), ("WebhookUrl", "http://127.0.0.1:9/h"))).Expect(201).Str("sid");
        (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "a\u0000b"))).ExpectError(60200, 400);
        (await api.Account.PostAsync($"/v2/Services/{e.ServiceSid}", ("FriendlyName", "a\u0000b"))).ExpectError(60200, 400);
        (await api.Account.PostAsync(e.FactorPath, ("FriendlyName", "a\u0000b"))).ExpectError(60200, 400);
        (await api.Account.PostAsync(e.FactorPath, ("Config.AppId", "a\u0000b"))).ExpectError(60200, 400);
        (await api.PostChallengeAsync(e, ("Details.Message", "a\u0000b"))).ExpectError(60200, 400);
        (await api.PostChallengeAsync(e, ("Details.Fields", "{\"label\":\"a\u0000\",\"value\":\"b\"}"))).ExpectError(60200, 400);
        (await api.Account.PostAsync($"/v2/Services/{e.ServiceSid}/Webhooks", ("FriendlyName", "a\u0000b"), ("EventTypes", "*"), ("WebhookUrl", "http://127.0.0.1:9/h"))).ExpectError(60200, 400);
        (await api.Account.PostAsync($"/v2/Services/{e.ServiceSid}/Webhooks/{webhook}", ("FriendlyName", "a\u0000b"))).ExpectError(60200, 400);
        Assert.Equal("Test service", (await api.Account.GetAsync($"/v2/Services/{e.ServiceSid}")).Expect(200).Str("friendly_name"));

        // An escaped NUL inside JSON text is stored as JSON text, so it round-trips.
        var sid = (await api.CreateChallengeAsync(e, ("HiddenDetails", "{\"k\":\"a\\u0000b\"}"))).Str("sid")!;
        Assert.Equal("a\u0000b", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200)["hidden_details"].Str("k"));
    }

    [Fact]
    public async Task Odd_path_segments_never_produce_a_5xx()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var challenge = (await api.CreateChallengeAsync(e)).Str("sid")!;
        string[] odd = ["%20", "..", "%2F", "a%2Fb", "%F0%9F%98%80", "%FF", new string('a', 2000), "VA" + new string('0', 32), "YC" + new string('z', 32), "%25", "%3F", "+"];
        var templates = new[]
        {
            $"/v2/Services/{{0}}", $"/v2/Services/{{0}}/Entities", $"/v2/Services/{e.ServiceSid}/Entities/{{0}}", $"/v2/Services/{e.ServiceSid}/Entities/{{0}}/Factors",
            $"{e.EntityPath}/Factors/{{0}}", $"/v2/Services/{e.ServiceSid}/Entities/{{0}}/Challenges", $"{e.EntityPath}/Challenges/{{0}}",
            $"{e.EntityPath}/Challenges/{{0}}/Notifications", $"/v2/Services/{e.ServiceSid}/Webhooks/{{0}}", $"/v2/Services/{e.ServiceSid}/AccessTokens/{{0}}",
            $"/v2/Services/{e.ServiceSid}/Entities/{{0}}/Challenges/{challenge}",
        };
        var failures = new List<string>();
        foreach (var template in templates)
        {
            foreach (var segment in odd)
            {
                var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, segment);
                foreach (var method in (HttpMethod[])[HttpMethod.Get, HttpMethod.Post, HttpMethod.Delete])
                {
                    var response = await api.Account.SendAsync(method, path, method == HttpMethod.Get ? null : new FormUrlEncodedContent([]));
                    var device = await e.Device.SendAsync(method, path["/v2/".Length..], [], e.Device.CreateDeviceJwt(e.Factor));
                    if (response.StatusCode >= 500 || device.StatusCode >= 500)
                    {
                        failures.Add($"{method} {path[..Math.Min(path.Length, 120)]}: {response} / device {device}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public async Task Odd_device_credentials_never_produce_a_5xx()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        static string B64(string s) => OpenVerify.Protocol.Signing.Base64Url.Encode(System.Text.Encoding.UTF8.GetBytes(s));
        var valid = e.Device.CreateDeviceJwt(e.Factor).Split('.');
        string[] secrets =
        [
            "", ".", "..", "...", "a.b.c", "é.é.é", "====.====.====", B64("[]") + "." + B64("{}") + ".", B64("{}") + "." + B64("[]") + ".",
            B64("""{"alg":"ES256","kid":"CR00000000000000000000000000000000"}""") + "." + B64("{}") + "." + valid[2],
            B64($$"""{"alg":"ES256","kid":"{{e.Factor.CredentialSid}}"}""") + "." + B64("""{"sub":1,"exp":"x","nbf":null}""") + "." + valid[2],
            B64($$"""{"alg":"ES256","kid":"{{e.Factor.CredentialSid}}"}""") + "." + B64("""{"exp":1e300,"nbf":-1e300}""") + "." + valid[2],
            B64($$"""{"alg":"ES256","kid":"{{e.Factor.CredentialSid}}"}""") + "." + B64("not json") + "." + valid[2],
            valid[0] + "." + valid[1] + "." + new string('A', 200), valid[0] + "." + valid[1] + ".", valid[0] + "." + valid[1] + "." + valid[2] + ".x",
            "YK00000000000000000000000000000000", "YK00000000000000000000000000000000.", ".secret", new string('.', 2) + new string('x', 20_000),
        ];
        var failures = new List<string>();
        foreach (var secret in secrets)
        {
            foreach (var (method, path) in new[] { (HttpMethod.Get, $"Services/{e.ServiceSid}"), (HttpMethod.Post, e.FactorPath["/v2/".Length..]), (HttpMethod.Post, e.EntityPath["/v2/".Length..] + "/Factors") })
            {
                var response = await e.Device.SendAsync(method, path, [new("FriendlyName", "x")], secret);
                if (response.StatusCode >= 500 || response.StatusCode < 400)
                {
                    failures.Add($"{method} {path} with {secret[..Math.Min(secret.Length, 60)]}: {response}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Theory]
    [InlineData("Page=3000000&PageSize=1000")]
    [InlineData("Page=2147483647&PageSize=1000")]
    [InlineData("Page=2147483647")]
    public async Task A_page_number_too_large_to_reach_is_a_4xx_or_an_empty_page_never_a_5xx(string query)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        foreach (var path in (string[])["/v2/Services", $"/v2/Services/{service}/Entities", $"/v2/Services/{service}/Webhooks"])
        {
            var response = await api.Account.GetAsync(path + "?" + query);
            Assert.True(response.StatusCode is 200 or 400, response.ToString());
        }
    }
}
