using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace OpenVerify.TestKit.Server;

/// <summary>
/// The app backend's side of the Verify v2 form API (docs/protocol/rest-api.md), with plain HttpClient and Basic
/// <c>AC…:auth token</c>: services, enrolment access tokens, challenges, and reading back state.
/// </summary>
public sealed class VerifyBackend(HttpClient http) : IDisposable
{
    /// <summary>A fresh identity (8–64 URL-safe characters).</summary>
    public static string NewIdentity() => "user-" + RandomNumberGenerator.GetHexString(16, lowercase: true);

    public async Task<string> CreateServiceAsync(string friendlyName = "E2E")
    {
        using var json = await SendAsync(HttpMethod.Post, "v2/Services", [new("FriendlyName", friendlyName)], HttpStatusCode.Created);
        return json.RootElement.GetProperty("sid").GetString()!;
    }

    /// <summary>A service with OpenVerify's number matching on (Push.NumberMatching).</summary>
    public async Task<string> CreateNumberMatchingServiceAsync()
    {
        using var json = await SendAsync(HttpMethod.Post, "v2/Services", [new("FriendlyName", "E2E matched"), new("Push.NumberMatching", "true")], HttpStatusCode.Created);
        return json.RootElement.GetProperty("sid").GetString()!;
    }

    /// <summary>A challenge on a number-matching service: its SID and the number the login screen would show.</summary>
    public async Task<(string Sid, int Number)> CreateNumberMatchedChallengeAsync(string serviceSid, string identity, string factorSid, string message)
    {
        using var json = await SendAsync(HttpMethod.Post, $"v2/Services/{serviceSid}/Entities/{identity}/Challenges",
            [new("FactorSid", factorSid), new("Details.Message", message)], HttpStatusCode.Created);
        return (json.RootElement.GetProperty("sid").GetString()!, json.RootElement.GetProperty("number_match").GetInt32());
    }

    /// <summary>The challenge's status and OpenVerify denial reason (null when none).</summary>
    public async Task<(string Status, string? DenialReason)> ChallengeOutcomeAsync(string serviceSid, string identity, string challengeSid)
    {
        using var json = await SendAsync(HttpMethod.Get, $"v2/Services/{serviceSid}/Entities/{identity}/Challenges/{challengeSid}", null, HttpStatusCode.OK);
        return (json.RootElement.GetProperty("status").GetString()!,
            json.RootElement.TryGetProperty("denial_reason", out var reason) ? reason.GetString() : null);
    }

    public async Task<string> CreateAccessTokenAsync(string serviceSid, string identity)
    {
        using var json = await SendAsync(HttpMethod.Post, $"v2/Services/{serviceSid}/AccessTokens", [new("Identity", identity), new("FactorType", "push")], HttpStatusCode.Created);
        return json.RootElement.GetProperty("token").GetString()!;
    }

    public async Task<string> CreateChallengeAsync(string serviceSid, string identity, string factorSid, string message = "Log in?", string? transactionId = null)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("FactorSid", factorSid),
            new("Details.Message", message),
            new("Details.Fields", """{"label":"IP","value":"203.0.113.7"}"""),
        };
        if (transactionId is not null)
        {
            form.Add(new("HiddenDetails", JsonSerializer.Serialize(new Dictionary<string, string> { ["transaction_id"] = transactionId })));
        }

        using var json = await SendAsync(HttpMethod.Post, $"v2/Services/{serviceSid}/Entities/{identity}/Challenges", form, HttpStatusCode.Created);
        return json.RootElement.GetProperty("sid").GetString()!;
    }

    /// <summary>A totp factor created by the backend; returns its SID and <c>binding.uri</c>.</summary>
    public async Task<(string Sid, string Uri)> CreateTotpFactorAsync(string serviceSid, string identity, string friendlyName)
    {
        using var json = await SendAsync(HttpMethod.Post, $"v2/Services/{serviceSid}/Entities/{identity}/Factors",
            [new("FriendlyName", friendlyName), new("FactorType", "totp")], HttpStatusCode.Created);
        return (json.RootElement.GetProperty("sid").GetString()!, json.RootElement.GetProperty("binding").GetProperty("uri").GetString()!);
    }

    /// <summary>UpdateFactor with <c>AuthPayload</c>; returns the factor's status.</summary>
    public async Task<string> VerifyFactorAsync(string serviceSid, string identity, string factorSid, string code)
    {
        using var json = await SendAsync(HttpMethod.Post, $"v2/Services/{serviceSid}/Entities/{identity}/Factors/{factorSid}", [new("AuthPayload", code)], HttpStatusCode.OK);
        return json.RootElement.GetProperty("status").GetString()!;
    }

    public async Task<string> ChallengeStatusAsync(string serviceSid, string identity, string challengeSid)
    {
        using var json = await SendAsync(HttpMethod.Get, $"v2/Services/{serviceSid}/Entities/{identity}/Challenges/{challengeSid}", null, HttpStatusCode.OK);
        return json.RootElement.GetProperty("status").GetString()!;
    }

    /// <summary>The factor's status, or null when the server answers 404.</summary>
    public async Task<string?> FactorStatusAsync(string serviceSid, string identity, string factorSid)
    {
        using var response = await http.GetAsync($"v2/Services/{serviceSid}/Entities/{identity}/Factors/{factorSid}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET factor answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("status").GetString();
    }

    public void Dispose() => http.Dispose();

    private async Task<JsonDocument> SendAsync(HttpMethod method, string path, IEnumerable<KeyValuePair<string, string>>? form, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form);
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path} answered {(int)response.StatusCode} instead of {(int)expected}: {body}");
        return JsonDocument.Parse(body);
    }
}
