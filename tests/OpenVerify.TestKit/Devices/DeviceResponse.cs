using System.Net.Http.Headers;
using System.Text.Json;

namespace OpenVerify.TestKit.Devices;

/// <summary>One HTTP exchange as the device saw it: status, headers (case-insensitive) and raw body.</summary>
public sealed class DeviceResponse
{
    private readonly Dictionary<string, string[]> headers;

    /// <summary>Captures a response.</summary>
    public DeviceResponse(int statusCode, string body, HttpResponseHeaders responseHeaders, HttpContentHeaders? contentHeaders)
    {
        StatusCode = statusCode;
        Body = body;
        headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in responseHeaders)
        {
            headers[name] = values.ToArray();
        }

        if (contentHeaders is not null)
        {
            foreach (var (name, values) in contentHeaders)
            {
                headers[name] = values.ToArray();
            }
        }
    }

    /// <summary>HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>Raw body text.</summary>
    public string Body { get; }

    /// <summary>Both SDKs count any status below 300 as success.</summary>
    public bool IsSuccess => StatusCode < 300;

    /// <summary>Every header line of a name (case-insensitive), or empty.</summary>
    public IReadOnlyList<string> HeaderValues(string name) => headers.TryGetValue(name, out var v) ? v : [];

    /// <summary>The first value of a header, or null (Android's <c>headers[name].first()</c>).</summary>
    public string? Header(string name) => HeaderValues(name) is { Count: > 0 } v ? v[0] : null;

    /// <summary>The body parsed as strict JSON, or null when it is not JSON.</summary>
    public JsonNode? Json
    {
        get
        {
            try
            {
                return string.IsNullOrEmpty(Body) ? null : JsonNode.Parse(Body);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>The Twilio error <c>code</c> of an error body, when it is a JSON integer.</summary>
    public int? ErrorCode => Json is JsonObject o && o["code"] is JsonValue v && v.TryGetValue<int>(out var code) ? code : null;

    /// <inheritdoc />
    public override string ToString() => $"{StatusCode} {Body}";
}
