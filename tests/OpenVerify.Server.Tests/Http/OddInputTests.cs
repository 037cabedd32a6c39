using OpenVerify.Server.Tests.Infrastructure;

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
        var webhook = (await api.Account.PostAsync($"/v2/Services/{e.ServiceSid}/Webhooks", ("FriendlyName", "h"), ("EventTypes", "*"), ("WebhookUrl", "https://example.com/h"))).Expect(201).Str("sid");
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
