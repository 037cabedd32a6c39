namespace OpenVerify.TestKit;

/// <summary>
/// Points Twilio's C# helper at an OpenVerify server (twilio-helpers.md §1): rewrites scheme, host and
/// port of requests to <c>*.twilio.com</c> and leaves path, query, headers and body as the helper built
/// them. Other URLs pass untouched, so a server's own absolute <c>next_page_url</c> works as is.
/// Use: <c>new TwilioRestClient(sid, token, httpClient: new SystemNetHttpClient(new HttpClient(new TwilioRedirect(target))))</c>;
/// for an in-process test server pass its handler as <paramref name="inner"/>.
/// </summary>
public sealed class TwilioRedirect(Uri target, HttpMessageHandler? inner = null, bool keepTwilioHostHeader = false)
    : DelegatingHandler(inner ?? new HttpClientHandler { AllowAutoRedirect = false })
{
    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri && uri.Host.EndsWith(".twilio.com", StringComparison.OrdinalIgnoreCase))
        {
            if (keepTwilioHostHeader)
            {
                request.Headers.Host = uri.Host;
            }

            request.RequestUri = new UriBuilder(uri) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
