using System.Text.Json.Serialization;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>Where a local factor's server is and how to trust it; kept per factor in <c>device.json</c>.</summary>
/// <param name="BaseUrl">The Verify API base URL, ending in <c>/v2/</c>.</param>
/// <param name="CaCertificatePem">Extra trusted root certificate(s) in PEM (a self-signed or private CA), or null.</param>
public sealed record DeviceServer(
    [property: JsonPropertyName("base_url")] string BaseUrl,
    [property: JsonPropertyName("ca_certificate")] string? CaCertificatePem = null)
{
    /// <summary>
    /// Turns <c>--server</c> into the API base URL: <c>https://host[:port][/prefix]</c> gets <c>/v2/</c>
    /// appended unless it already ends in <c>/v2</c>. Plain http is only accepted for loopback hosts
    /// unless <paramref name="allowHttp"/>, because access tokens and device JWTs travel in it.
    /// </summary>
    public static DeviceServer Parse(string server, bool allowHttp, string? caCertificatePem)
    {
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new DeviceCommandException($"--server must be an http(s) URL such as https://verify.example.com, not '{server}'");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback && !allowHttp)
        {
            throw new DeviceCommandException($"{server} is plain http to a host that is not this machine; use https, or pass --allow-http");
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        if (!path.EndsWith("/v2", StringComparison.Ordinal))
        {
            path += "/v2";
        }

        return new DeviceServer(new UriBuilder(uri) { Path = path + "/" }.Uri.AbsoluteUri, caCertificatePem);
    }
}
