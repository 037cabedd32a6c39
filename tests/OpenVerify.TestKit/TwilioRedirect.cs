namespace OpenVerify.TestKit;

/// <summary>
/// Points Twilio's C# helper at an OpenVerify server (docs/protocol/twilio-helpers.md §1): rewrites scheme, host and
/// port of requests to <c>*.twilio.com</c> and leaves path, query, headers and body as the helper built
/// them. Other URLs pass untouched, so a server's own absolute <c>next_page_url</c> works as is.
/// Use: <c>new TwilioRestClient(sid, token, httpClient: new SystemNetHttpClient(new HttpClient(new TwilioRedirect(target))))</c>;
/// for an in-process test server pass its handler as <paramref name="inner"/>.
/// It also refuses, before sending, a webhook whose <c>WebhookUrl</c> is not loopback (<see cref="Webhooks.LoopbackOnly"/>).
/// </summary>
public sealed class TwilioRedirect(Uri target, HttpMessageHandler? inner = null, bool keepTwilioHostHeader = false)
    : DelegatingHandler(inner ?? new HttpClientHandler { AllowAutoRedirect = false })
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.Contains("/Webhooks", StringComparison.Ordinal) == true && request.Content is { } content)
        {
            foreach (var url in FormValues(await content.ReadAsStringAsync(cancellationToken), "WebhookUrl"))
            {
                Webhooks.LoopbackOnly.Check(url);
            }
        }

        if (request.RequestUri is { } uri && uri.Host.EndsWith(".twilio.com", StringComparison.OrdinalIgnoreCase))
        {
            if (keepTwilioHostHeader)
            {
                request.Headers.Host = uri.Host;
            }

            request.RequestUri = new UriBuilder(uri) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;
        }

        return await base.SendAsync(request, cancellationToken);
    }

    private static IEnumerable<string> FormValues(string body, string key) =>
        body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(kv => Uri.UnescapeDataString(kv[0].Replace('+', ' ')) == key)
            .Select(kv => kv.Length == 2 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "");
}
