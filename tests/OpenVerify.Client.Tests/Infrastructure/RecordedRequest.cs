using System.Text;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.Client.Tests;

/// <summary>A request as the fake server saw it.</summary>
internal sealed class RecordedRequest
{
    public required HttpMethod Method { get; init; }

    public required Uri Uri { get; init; }

    /// <summary>Request headers (not content headers), by name.</summary>
    public required Dictionary<string, string> Headers { get; init; }

    public required string? ContentType { get; init; }

    public required string Body { get; init; }

    /// <summary>The path after the base URL.</summary>
    public string Path => Uri.AbsolutePath["/v2/".Length..];

    /// <summary>The Basic password after "token:".</summary>
    public string BasicSecret
    {
        get
        {
            var value = Headers["Authorization"];
            Assert.StartsWith("Basic ", value, StringComparison.Ordinal);
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value["Basic ".Length..]));
            Assert.StartsWith("token:", decoded, StringComparison.Ordinal);
            return decoded["token:".Length..];
        }
    }

    /// <summary>The device JWT of the Authorization header.</summary>
    public CompactJws DeviceJwt => Assert.IsType<CompactJws>(Parse(BasicSecret));

    /// <summary>The form body as decoded pairs, in order (split on &amp;, first =, percent-decode).</summary>
    public List<KeyValuePair<string, string>> Form => Decode(Body);

    /// <summary>The query as decoded pairs, in order.</summary>
    public List<KeyValuePair<string, string>> Query => Decode(Uri.Query.TrimStart('?'));

    public string FormValue(string name) => Form.Single(p => p.Key == name).Value;

    private static CompactJws? Parse(string compact) => CompactJws.TryParse(compact, out var jws) ? jws : null;

    private static List<KeyValuePair<string, string>> Decode(string text) =>
        text.Length == 0
            ? []
            : text.Split('&').Select(pair =>
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                return new KeyValuePair<string, string>(Uri.UnescapeDataString(pair[..equals]), Uri.UnescapeDataString(pair[(equals + 1)..]));
            }).ToList();
}
