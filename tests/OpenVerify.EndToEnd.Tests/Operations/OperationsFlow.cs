using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenVerify.TestKit.Devices;

namespace OpenVerify.EndToEnd.Tests.Operations;

/// <summary>What <see cref="OperationsFlow.RunAsync"/> did, and every secret that passed through the server.</summary>
internal sealed record FlowResult(string ServiceSid, string Identity, string FactorSid, IReadOnlyList<string> ChallengeSids, IReadOnlyDictionary<string, string> Secrets);

/// <summary>
/// A scripted operator's day on a real server: a service with a webhook (Standard Webhooks secret),
/// an API key used once, an enrolment access token, one Android device (FCM push token; the service
/// has no FCM credential, so each push is recorded as not configured), three challenges of which two
/// are approved and one denied, and the factor deleted by the device.
/// </summary>
internal static partial class OperationsFlow
{
    public const int ChallengesCreated = 3;
    public const int Approved = 2;
    public const int Denied = 1;

    /// <summary>Events of the flow a <c>*</c> webhook receives: factor.created, factor.verified, 2 approved, 1 denied, factor.deleted.</summary>
    public const int WebhookEvents = 6;

    public static async Task<FlowResult> RunAsync(ServerProcess server, string webhookUrl)
    {
        using var backend = server.CreateAccountClient();
        var serviceSid = (await PostAsync(backend, "v2/Services", ("FriendlyName", "Operations")))["sid"]!.ToString()!;
        var webhook = await PostAsync(backend, $"v2/Services/{serviceSid}/Webhooks",
            ("FriendlyName", "ops"), ("EventTypes", "*"), ("WebhookUrl", webhookUrl));
        var webhookSecret = webhook["secret"]!.ToString()!;

        var (exit, stdout, combined) = await server.CliAsync("keys", "create", "--account", server.AccountSid, "--json");
        Assert.True(exit == 0, combined);
        using var key = JsonDocument.Parse(stdout.Trim());
        var keySid = key.RootElement.GetProperty("sid").GetString()!;
        var keySecret = key.RootElement.GetProperty("secret").GetString()!;
        using (var withKey = server.CreateHttpClient())
        {
            withKey.BaseAddress = server.BaseUrl;
            withKey.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{keySid}:{keySecret}")));
            using var listed = await withKey.GetAsync($"v2/Services/{serviceSid}");
            Assert.Equal(200, (int)listed.StatusCode);
        }

        var identity = "ops-" + Guid.NewGuid().ToString("N");
        var accessToken = (await PostAsync(backend, $"v2/Services/{serviceSid}/AccessTokens", ("Identity", identity), ("FactorType", "push")))["token"]!.ToString()!;
        using var http = server.CreateHttpClient();
        var phone = new DeviceEmulator(http, DeviceFlavour.Android, baseUrl: server.DeviceBaseUrl) { PushToken = "fcm-token-" + Guid.NewGuid().ToString("N") };
        using var factor = await phone.CreateFactorAsync(serviceSid, identity, accessToken, "Ops phone");
        await phone.VerifyFactorAsync(factor);

        var challenges = new List<string>();
        for (var i = 0; i < ChallengesCreated; i++)
        {
            var created = await PostAsync(backend, $"v2/Services/{serviceSid}/Entities/{identity}/Challenges",
                ("FactorSid", factor.Sid), ("Details.Message", $"Log in #{i}?"));
            challenges.Add(created["sid"]!.ToString()!);
        }

        await phone.ApproveAsync(factor, challenges[0]);
        await phone.ApproveAsync(factor, challenges[1]);
        await phone.DenyAsync(factor, challenges[2]);
        await phone.DeleteFactorAsync(factor);

        return new FlowResult(serviceSid, identity, factor.Sid, challenges, new Dictionary<string, string>
        {
            ["auth token"] = server.AuthToken,
            ["API key secret"] = keySecret,
            ["webhook secret"] = webhookSecret,
            ["access token"] = accessToken,
            ["push token"] = phone.PushToken!,
        });
    }

    private static async Task<Dictionary<string, object?>> PostAsync(HttpClient backend, string path, params (string Name, string Value)[] form)
    {
        using var response = await backend.PostAsync(path, new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, $"POST {path}: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<Dictionary<string, object?>>(body)!;
    }

    /// <summary>The sum of every series of <paramref name="metric"/> whose labels include all of <paramref name="labels"/> (0 when there is none).</summary>
    public static double Value(string scrape, string metric, params string[] labels)
    {
        var total = 0.0;
        foreach (Match m in SeriesLine().Matches(scrape))
        {
            if (m.Groups["name"].Value == metric && labels.All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            {
                total += double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    // Label values are quoted and may hold braces (http_route="/v2/Services/{serviceSid}").
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>(?:[^""}]|""(?:[^""\\]|\\.)*"")*)\})?\s+(?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex SeriesLine();
}
