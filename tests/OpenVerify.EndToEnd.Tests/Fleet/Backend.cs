using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OpenVerify.EndToEnd.Tests.Fleet;

/// <summary>An HTTP answer as the backend saw it.</summary>
internal sealed record Answer(int Status, string Body, string? ContentType)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public string Sid => Json.GetProperty("sid").GetString()!;

    public override string ToString() => $"{Status} {ContentType} {Body}";
}

/// <summary>
/// The app backend in front of a fleet: account Basic auth, one connection pool per instance, a
/// client timeout on every request. Raw HTTP rather than Twilio's helper, because these tests judge
/// the exact failure bodies a dying or database-less instance answers with.
/// </summary>
internal sealed class Backend : IDisposable
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient[] clients;

    public Backend(IReadOnlyList<ServerProcess> servers, string accountSid, string authToken)
    {
        clients = [.. servers.Select(s =>
        {
            var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
            {
                BaseAddress = s.BaseUrl,
                Timeout = RequestTimeout,
            };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{authToken}")));
            return http;
        })];
    }

    public async Task<Answer> PostAsync(int instance, string path, params (string Key, string Value)[] form)
    {
        using var content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Key, f.Value)));
        using var response = await clients[instance].PostAsync(path.TrimStart('/'), content);
        return await ReadAsync(response);
    }

    public async Task<Answer> GetAsync(int instance, string path)
    {
        using var response = await clients[instance].GetAsync(path.TrimStart('/'));
        return await ReadAsync(response);
    }

    /// <summary>An FCM credential from <paramref name="serviceAccountJson"/>, then a service that pushes with it; returns the VA SID.</summary>
    public async Task<string> CreatePushServiceAsync(int instance, string serviceAccountJson)
    {
        var credential = await PostAsync(instance, "/v1/Credentials", ("Type", "fcm"), ("FriendlyName", "fleet firebase"), ("Secret", serviceAccountJson));
        Assert.True(credential.Status == 201, credential.ToString());
        var service = await PostAsync(instance, "/v2/Services", ("FriendlyName", "Fleet"), ("Push.FcmCredentialSid", credential.Sid));
        Assert.True(service.Status == 201, service.ToString());
        return service.Sid;
    }

    /// <summary>A v2 webhook for <paramref name="eventTypes"/> at <paramref name="url"/>.</summary>
    public async Task CreateWebhookAsync(int instance, string serviceSid, string url, params string[] eventTypes)
    {
        var webhook = await PostAsync(instance, $"/v2/Services/{serviceSid}/Webhooks",
            [("FriendlyName", "fleet receiver"), ("WebhookUrl", url), ("Status", "enabled"), ("Version", "v2"), .. eventTypes.Select(t => ("EventTypes", t))]);
        Assert.True(webhook.Status == 201, webhook.ToString());
    }

    /// <summary>An enrolment access token for <paramref name="identity"/>.</summary>
    public async Task<string> AccessTokenAsync(int instance, string serviceSid, string identity)
    {
        var token = await PostAsync(instance, $"/v2/Services/{serviceSid}/AccessTokens", ("Identity", identity), ("FactorType", "push"));
        Assert.True(token.Status == 201, token.ToString());
        return token.Json.GetProperty("token").GetString()!;
    }

    /// <summary>Creates a challenge; the answer is returned, not judged.</summary>
    public Task<Answer> CreateChallengeAsync(int instance, string serviceSid, string identity, string factorSid, string message) =>
        PostAsync(instance, $"/v2/Services/{serviceSid}/Entities/{identity}/Challenges", ("FactorSid", factorSid), ("Details.Message", message));

    /// <summary>A push token unique to one device, shaped like FCM's.</summary>
    public static string NewPushToken() => "f" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(40));

    public void Dispose()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    private static async Task<Answer> ReadAsync(HttpResponseMessage response) =>
        new((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
}

/// <summary>The one error shape (docs/protocol/rest-api.md §1.5): exactly code, message, more_info and status, status equal to the HTTP status.</summary>
internal static class TwilioError
{
    public static bool IsShaped(Answer answer, int status, int code)
    {
        if (answer.Status != status || answer.ContentType != "application/json")
        {
            return false;
        }

        try
        {
            var json = answer.Json;
            return json.ValueKind == JsonValueKind.Object
                && json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).SequenceEqual(["code", "message", "more_info", "status"])
                && json.GetProperty("code").TryGetInt32(out var c) && c == code
                && json.GetProperty("status").TryGetInt32(out var s) && s == status
                && json.GetProperty("message").ValueKind == JsonValueKind.String
                && json.GetProperty("more_info").ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
