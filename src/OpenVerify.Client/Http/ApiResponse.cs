namespace OpenVerify.Client;

/// <summary>A successful (2xx) answer: status, body text and the response headers.</summary>
internal sealed class ApiResponse
{
    private readonly Dictionary<string, string[]> headers;

    public ApiResponse(int statusCode, string body, Dictionary<string, string[]> headers)
    {
        StatusCode = statusCode;
        Body = body;
        this.headers = headers;
    }

    public int StatusCode { get; }

    public string Body { get; }

    /// <summary>The first line of a header (case-insensitive name), or null.</summary>
    /// <remarks>Note: Android reads <c>headers[name].first()</c>, so only the first header line counts.</remarks>
    public string? FirstHeader(string name) =>
        headers.TryGetValue(name, out var values) && values.Length > 0 ? values[0] : null;

    internal static Dictionary<string, string[]> ReadHeaders(HttpResponseMessage response)
    {
        var all = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.NonValidated)
        {
            all[name] = [.. values];
        }

        foreach (var (name, values) in response.Content.Headers.NonValidated)
        {
            all[name] = [.. values];
        }

        return all;
    }
}
