namespace OpenVerify.AppBackend.Verify;

/// <summary>
/// Sends what Twilio's helper library addresses to <c>https://verify.twilio.com</c> to an OpenVerify
/// server instead. Note: the helper has no base-URL setting (Edge and Region only change labels inside
/// <c>*.twilio.com</c>), but it takes any <see cref="HttpClient"/>; only scheme, host and port change,
/// path, query, headers and body stay as the helper built them. Other hosts pass untouched.
/// </summary>
public sealed class OpenVerifyRedirect(Uri server, HttpMessageHandler? inner = null)
    : DelegatingHandler(inner ?? new HttpClientHandler { AllowAutoRedirect = false })
{
    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri && uri.Host.EndsWith(".twilio.com", StringComparison.OrdinalIgnoreCase))
        {
            request.RequestUri = new UriBuilder(uri) { Scheme = server.Scheme, Host = server.Host, Port = server.Port }.Uri;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
