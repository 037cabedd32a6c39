using System.Collections.Concurrent;
using System.Globalization;
using Twilio.Clients;
using Twilio.Http;

namespace OpenVerify.TestKit;

/// <summary>
/// Twilio's official C# helper (NuGet Twilio 8.2.0) pointed at the local server the way
/// docs/protocol/twilio-helpers.md §1 shows: the transport is the only replaceable part, so
/// <see cref="TwilioRedirect"/> rewrites scheme, host and port of <c>*.twilio.com</c> requests and
/// leaves everything else (including the server's own absolute page URLs) as the helper built it.
/// </summary>
public static class TwilioHelper
{
    /// <summary>
    /// Note: the helper formats ExpirationDate with the current culture and no UTC conversion, and
    /// under some cultures cannot build its User-Agent at all (docs/protocol/twilio-helpers.md §2).
    /// </summary>
    public static void UseInvariantCulture()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
    }

    /// <summary>
    /// A client with account SID and auth token, or API key SID and secret plus <paramref name="accountSid"/>.
    /// <paramref name="log"/> records each URL as the helper asked for it, before the rewrite.
    /// </summary>
    public static TwilioRestClient Client(Uri server, string username, string password, string? accountSid = null, RequestLog? log = null)
    {
        UseInvariantCulture();
        HttpMessageHandler handler = new TwilioRedirect(server);
        if (log is not null)
        {
            handler = new Recording(log, handler);
        }

        var transport = new System.Net.Http.HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
        return new TwilioRestClient(username, password, accountSid: accountSid, httpClient: new SystemNetHttpClient(transport));
    }

    private sealed class Recording(RequestLog log, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            log.Add(request.Method + " " + request.RequestUri!.AbsoluteUri);
            return base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>The URLs the helper requested, as it built them.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<string> entries = new();

    public void Add(string entry) => entries.Enqueue(entry);

    public IReadOnlyList<string> Entries => [.. entries];
}
