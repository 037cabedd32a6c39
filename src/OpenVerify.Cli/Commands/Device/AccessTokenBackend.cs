using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>What an app backend's access-token endpoint hands a device for enrolment.</summary>
/// <param name="Token">The enrolment access token.</param>
/// <param name="ServiceSid">The Verify service (<c>VA…</c>).</param>
/// <param name="Identity">The entity identity the token is bound to.</param>
/// <param name="FactorType">Always <c>push</c>.</param>
public sealed record AccessTokenGrant(string Token, string ServiceSid, string Identity, string FactorType);

/// <summary>
/// Asks an app backend for an enrolment access token, as the SDK sample apps do: <c>POST</c> to its
/// endpoint (e.g. the sample backend's <c>/accessTokens</c>) with <c>{"identity":…}</c> when the
/// identity is known, carrying whatever headers authenticate the user (a session cookie, a bearer
/// token); it answers <c>{token, serviceSid, identity, factorType}</c>.
/// </summary>
public static class AccessTokenBackend
{
    /// <summary>Fetches a grant.</summary>
    public static async Task<AccessTokenGrant> FetchAsync(HttpClient http, Uri endpoint, IEnumerable<string> headers, string? identity, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        var body = new JsonObject();
        if (identity is not null)
        {
            body["identity"] = identity;
        }

        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        foreach (var header in headers)
        {
            var colon = header.IndexOf(':');
            if (colon <= 0)
            {
                throw new DeviceCommandException($"--backend-header must look like 'Name: value', not '{header}'");
            }

            request.Headers.TryAddWithoutValidation(header[..colon].Trim(), header[(colon + 1)..].Trim());
        }

        HttpResponseMessage response;
        string text;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new DeviceCommandException($"The backend {endpoint} could not be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DeviceCommandException($"The backend {endpoint} did not answer in time", e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new DeviceCommandException($"The backend {endpoint} answered {(int)response.StatusCode} {response.ReasonPhrase}: {Shorten(text)}");
            }
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var grant = new AccessTokenGrant(
                Read(root, "token") ?? throw Missing("token"),
                Read(root, "serviceSid", "service_sid") ?? throw Missing("serviceSid"),
                Read(root, "identity") ?? identity ?? throw Missing("identity"),
                Read(root, "factorType", "factor_type") ?? "push");
            return grant.FactorType == "push" ? grant : throw new DeviceCommandException($"The backend offered a '{grant.FactorType}' token; only push factors can be enrolled");
        }
        catch (JsonException e)
        {
            throw new DeviceCommandException($"The backend {endpoint} did not answer JSON: {Shorten(text)}", e);
        }
    }

    private static string? Read(JsonElement root, params string[] names)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var name in names)
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }

        return null;
    }

    private static DeviceCommandException Missing(string name) => new($"The backend's answer has no '{name}'");

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
