using System.Collections.Concurrent;
using System.Globalization;
using Twilio.Clients;
using Twilio.Http;

namespace OpenVerify.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Twilio's official C# helper (NuGet Twilio 8.2.0) pointed at the local server the way
/// twilio-helpers.md §1 shows: the only replaceable part is the transport, so a DelegatingHandler
/// rewrites scheme, host and port of every <c>*.twilio.com</c> request and leaves everything else
/// (path, query, headers, body, and URLs that are not Twilio's) exactly as the helper built it.
/// </summary>
internal static class TwilioHelper
{
    static TwilioHelper() => UseInvariantCulture();

    /// <summary>
    /// Note: the helper formats ExpirationDate with the current culture and no UTC conversion, and
    /// under some cultures cannot build its User-Agent at all (twilio-helpers.md §2).
    /// </summary>
    public static void UseInvariantCulture()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
    }

    /// <summary>A client with account SID and auth token (or API key SID and secret plus <paramref name="accountSid"/>).</summary>
    public static TwilioRestClient Client(Uri server, string username, string password, string? accountSid = null, RequestLog? log = null)
    {
        UseInvariantCulture();
        var transport = new System.Net.Http.HttpClient(new ToLocal(server, log)) { Timeout = TimeSpan.FromSeconds(20) };
        return new TwilioRestClient(username, password, accountSid: accountSid, httpClient: new SystemNetHttpClient(transport));
    }

    /// <summary>twilio-helpers.md §1, plus a log of what was asked for (before the rewrite).</summary>
    private sealed class ToLocal(Uri target, RequestLog? log)
        : DelegatingHandler(new HttpClientHandler { AllowAutoRedirect = false })
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            log?.Add(request.Method + " " + request.RequestUri!.AbsoluteUri);
            if (request.RequestUri!.Host.EndsWith(".twilio.com", StringComparison.OrdinalIgnoreCase))
            {
                request.RequestUri = new UriBuilder(request.RequestUri) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>The URLs the helper requested, as it built them.</summary>
internal sealed class RequestLog
{
    private readonly ConcurrentQueue<string> entries = new();

    public void Add(string entry) => entries.Enqueue(entry);

    public IReadOnlyList<string> Entries => [.. entries];
}
