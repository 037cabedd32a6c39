using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenVerify.Protocol.Signing;
using OpenVerify.Server.Credentials;

namespace OpenVerify.Server.Delivery.Push;

/// <summary>
/// Sends APNs alerts over HTTP/2. Token authentication signs a provider JWT (ES256, <c>iss</c> team
/// id, <c>iat</c>, <c>kid</c> key id) and reuses it for <see cref="JwtLifetime"/>: Apple refuses
/// tokens older than an hour and throttles ones refreshed more than every 20 minutes.
/// Certificate authentication presents the credential's client certificate. Connections are kept
/// open and multiplexed, one pool per certificate.
/// </summary>
public sealed class ApnsSender(IOptions<PushOptions> options, TimeProvider clock, ILogger<ApnsSender> logger) : IDisposable
{
    /// <summary>How long a provider JWT is reused before a new one is signed.</summary>
    public static readonly TimeSpan JwtLifetime = TimeSpan.FromMinutes(50);

    private readonly ConcurrentDictionary<string, (string Jwt, DateTimeOffset IssuedAt)> jwts = new();
    private readonly ConcurrentDictionary<string, Lazy<HttpClient>> clients = new();

    /// <summary>Sends one push.</summary>
    public async Task<PushResult> SendAsync(PushCredential credential, PushSecret secret, PushJob job, bool hideMessage, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var version = credential.Sid + "/" + credential.DateUpdated;
        var baseUrl = (credential.Sandbox ? settings.ApnsSandboxUrl : settings.ApnsProductionUrl).TrimEnd('/');
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/3/device/" + Uri.EscapeDataString(job.Token))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent(PushPayloads.Apns(job, hideMessage, settings.HiddenMessageAlert), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("apns-topic", job.AppId);
        request.Headers.TryAddWithoutValidation("apns-push-type", "alert");
        request.Headers.TryAddWithoutValidation("apns-priority", "10");
        request.Headers.TryAddWithoutValidation("apns-expiration", job.ExpiresAt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // A re-send (or an at-least-once duplicate) replaces the earlier alert of the same challenge on the device.
        request.Headers.TryAddWithoutValidation("apns-collapse-id", job.ChallengeSid);
        HttpClient client;
        if (secret.UsesCertificate)
        {
            client = clients.GetOrAdd(version, _ => new Lazy<HttpClient>(() => CreateClient(X509Certificate2.CreateFromPem(secret.Certificate, secret.PrivateKey)))).Value;
        }
        else
        {
            client = clients.GetOrAdd("token", _ => new Lazy<HttpClient>(() => CreateClient(null))).Value;
            request.Headers.Authorization = new AuthenticationHeaderValue("bearer", ProviderToken(version, secret));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.SendTimeout);
        try
        {
            using var response = await client.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var reason = Reason(body);
            if (reason is "ExpiredProviderToken" or "InvalidProviderToken")
            {
                jwts.TryRemove(version, out _);
            }

            return Classify(response, reason, clock.GetUtcNow());
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return PushHttp.Failed("APNs", e);
        }
    }

    /// <summary>Maps an APNs answer (Apple: "Handling notification responses from APNs").</summary>
    internal static PushResult Classify(HttpResponseMessage response, string? reason, DateTimeOffset now)
    {
        var status = response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            var id = response.Headers.TryGetValues("apns-id", out var ids) ? ids.FirstOrDefault() : null;
            return PushResult.Sent("APNs accepted " + id);
        }

        var detail = $"APNs {(int)status} {reason ?? "error"}";
        if (status == HttpStatusCode.Gone || (status == HttpStatusCode.BadRequest && reason == "BadDeviceToken"))
        {
            return PushResult.BadToken(detail);
        }

        if (PushHttp.IsTransient(status) || reason == "ExpiredProviderToken")
        {
            return PushResult.Transient(detail, PushHttp.RetryAfter(response, now));
        }

        return PushResult.Permanent(detail);
    }

    private string ProviderToken(string version, PushSecret secret)
    {
        var now = clock.GetUtcNow();
        if (jwts.TryGetValue(version, out var cached) && now - cached.IssuedAt < JwtLifetime && now >= cached.IssuedAt)
        {
            return cached.Jwt;
        }

        using var key = CredentialForms.ReadTokenKey(secret.Secret ?? "");
        var header = JsonSerializer.Serialize(new Dictionary<string, string> { ["alg"] = "ES256", ["kid"] = secret.KeyId ?? "" });
        var payload = JsonSerializer.Serialize(new Dictionary<string, object> { ["iss"] = secret.TeamId ?? "", ["iat"] = now.ToUnixTimeSeconds() });
        var jwt = CompactJws.SignEs256(key, header, payload);
        jwts[version] = (jwt, now);
        return jwt;
    }

    private HttpClient CreateClient(X509Certificate2? certificate)
    {
        var settings = options.Value;
        var ssl = new SslClientAuthenticationOptions { ApplicationProtocols = [SslApplicationProtocol.Http2] };
        if (certificate is not null)
        {
            ssl.ClientCertificates = [certificate];
        }

        if (settings.ApnsTrustedCertificateThumbprint is { Length: > 0 } pinned)
        {
            // Tests only: one named certificate is accepted besides the normally trusted ones.
            logger.LogWarning("OpenVerify:Push:ApnsTrustedCertificateThumbprint is set: APNs connections also accept the certificate {Thumbprint}. Leave it empty outside tests", pinned);
            ssl.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                errors == SslPolicyErrors.None
                || (cert is not null && string.Equals(Convert.ToHexString(cert.GetCertHash(HashAlgorithmName.SHA256)), pinned, StringComparison.OrdinalIgnoreCase));
        }

        var handler = new SocketsHttpHandler
        {
            SslOptions = ssl,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = settings.SendTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            KeepAlivePingDelay = TimeSpan.FromMinutes(1),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, DefaultRequestVersion = HttpVersion.Version20 };
    }

    private static string? Reason(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("reason", out var r) ? r.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var client in clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }
}
