namespace OpenVerify.Client;

/// <summary>Page tokens: never a JSON field, always the <c>PageToken</c> query parameter of a meta URL.</summary>
internal static class PageToken
{
    /// <summary>The query parameter name the SDK reads and (Android) sends back.</summary>
    public const string Parameter = "PageToken";

    /// <summary>
    /// The value of the case-sensitive <c>PageToken</c> query parameter of <paramref name="url"/>,
    /// or null when the URL is absent, unparseable or has none (docs/protocol/device.md §5.3).
    /// </summary>
    public static string? FromUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var query = uri.Query.TrimStart('?');
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            if (Uri.UnescapeDataString(name) == Parameter)
            {
                return equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
            }
        }

        return null;
    }
}
