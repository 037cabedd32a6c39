using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using OpenVerify.Server.Webhooks;

namespace OpenVerify.Server.Delivery.Webhooks;

/// <summary>What one delivery attempt (with its immediate retries) came to.</summary>
/// <param name="Delivered">The receiver answered 2xx.</param>
/// <param name="Refused">Never to be retried: the URL points at a forbidden address or is unusable.</param>
/// <param name="Detail">Status line or error, for the attempts log.</param>
public sealed record WebhookResult(bool Delivered, bool Refused, string Detail);

/// <summary>
/// Posts webhook bodies. Connections go through <see cref="ConnectAsync"/>, which resolves the host
/// itself, checks every address with <see cref="NetworkRules"/> (unless private networks are
/// allowed) and connects to the checked address, so a DNS answer that changes between check and
/// connect (rebinding) cannot reach a private address. No proxy, no redirects.
/// </summary>
public sealed class WebhookClient : IDisposable
{
    private static readonly HttpRequestOptionsKey<TimeSpan> ConnectTimeoutKey = new("OpenVerify.ConnectTimeout");
    private readonly IOptionsMonitor<WebhookOptions> options;
    private readonly HttpClient http;

    /// <summary>Creates the client.</summary>
    public WebhookClient(IOptionsMonitor<WebhookOptions> options)
    {
        this.options = options;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = ConnectAsync,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// POSTs <paramref name="body"/> to the target: each try waits at most the connect time-out to connect and
    /// the read time-out for the answer; failures in the target's retry policy are tried again at once, up to
    /// its retry count, all within its total time.
    /// </summary>
    public async Task<WebhookResult> PostAsync(WebhookTarget target, string body, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(target.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return new WebhookResult(false, true, "refused: not an absolute http(s) URL");
        }

        var total = Stopwatch.StartNew();
        var result = new WebhookResult(false, false, "not attempted");
        for (var attempt = 0; attempt <= target.RetryCount; attempt++)
        {
            var remaining = target.TotalTime - total.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            var (outcome, failureClass) = await TryOnceAsync(uri, target, body, headers, remaining, cancellationToken);
            result = outcome;
            if (outcome.Delivered || outcome.Refused || failureClass is null || !target.RetryPolicy.Contains(failureClass))
            {
                break;
            }
        }

        return result;
    }

    private async Task<(WebhookResult Result, string? FailureClass)> TryOnceAsync(
        Uri uri, WebhookTarget target, string body, IReadOnlyList<KeyValuePair<string, string>> headers, TimeSpan remaining, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Options.Set(ConnectTimeoutKey, target.ConnectTimeout);
        var budget = target.ConnectTimeout + target.ReadTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(budget < remaining ? budget : remaining);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var detail = $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
            return status switch
            {
                >= 200 and < 300 => (new WebhookResult(true, false, detail), null),
                >= 500 => (new WebhookResult(false, false, detail), WebhookTarget.ServerError),
                >= 400 => (new WebhookResult(false, false, detail), WebhookTarget.ClientError),
                _ => (new WebhookResult(false, false, detail + " (redirects are not followed)"), null),
            };
        }
        catch (Exception exception) when (Find<WebhookRefusedException>(exception) is { } refused)
        {
            return (new WebhookResult(false, true, "refused: " + refused.Message), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (new WebhookResult(false, false, $"no answer within {budget.TotalMilliseconds:0} ms (read time-out)"), WebhookTarget.ReadTimeoutFailure);
        }
        catch (HttpRequestException exception)
        {
            var inner = exception.InnerException is { } cause ? cause.GetType().Name + ": " + cause.Message : exception.Message;
            return (new WebhookResult(false, false, "connection failed: " + inner), WebhookTarget.ConnectFailure);
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var connectTimeout = context.InitialRequestMessage.Options.TryGetValue(ConnectTimeoutKey, out var t) ? t : TimeSpan.FromSeconds(5);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(connectTimeout);
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var port = context.DnsEndPoint.Port;
        try
        {
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, timeout.Token);
            if (addresses.Length == 0)
            {
                throw new SocketException((int)SocketError.HostNotFound);
            }

            if (!options.CurrentValue.AllowPrivateNetworks && addresses.FirstOrDefault(a => !NetworkRules.IsPublic(a)) is { } forbidden)
            {
                throw new WebhookRefusedException(
                    $"{host} resolves to {forbidden}, a loopback, link-local or private address (set OpenVerify:Webhooks:AllowPrivateNetworks=true to allow it)");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, port, timeout.Token);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"connecting to {host}:{port} took longer than {connectTimeout.TotalMilliseconds:0} ms");
        }
    }

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public void Dispose() => http.Dispose();
}

/// <summary>A delivery the network rules forbid; dead-lettered, never retried.</summary>
public sealed class WebhookRefusedException(string message) : Exception(message);
