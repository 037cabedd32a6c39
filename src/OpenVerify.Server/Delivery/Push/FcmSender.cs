using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Google.Apis.Http;
using Microsoft.Extensions.Options;
using OpenVerify.Server.Credentials;

namespace OpenVerify.Server.Delivery.Push;

/// <summary>
/// Sends FCM HTTP v1 data messages. The OAuth2 access token comes from the service account
/// (Google.Apis.Auth, token endpoint <see cref="PushOptions.GoogleTokenUrl"/>) and is cached by the
/// credential object until shortly before it expires, one per credential version.
/// </summary>
public sealed class FcmSender(System.Net.Http.IHttpClientFactory httpClients, IOptions<PushOptions> options, TimeProvider clock)
{
    /// <summary>The named HttpClient used for FCM.</summary>
    public const string ClientName = "openverify-fcm";

    /// <summary>The OAuth2 scope FCM HTTP v1 needs.</summary>
    public const string Scope = "https://www.googleapis.com/auth/firebase.messaging";

    private readonly ConcurrentDictionary<string, Lazy<(string ProjectId, ServiceAccountCredential Credential)>> accounts = new();

    /// <summary>Sends one push.</summary>
    public async Task<PushResult> SendAsync(PushCredential credential, PushSecret secret, PushJob job, bool hideMessage, CancellationToken cancellationToken)
    {
        var key = credential.Sid + "/" + credential.DateUpdated;
        var (projectId, google) = accounts.GetOrAdd(key, _ => new Lazy<(string, ServiceAccountCredential)>(() => Create(secret.Secret ?? ""))).Value;
        var settings = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.SendTimeout);
        string accessToken;
        try
        {
            accessToken = await google.GetAccessTokenForRequestAsync(null, timeout.Token);
        }
        catch (TokenResponseException e) when (e.StatusCode is { } status && !PushHttp.IsTransient(status))
        {
            return PushResult.Permanent($"Google refused the service account ({(int)status} {e.Error?.Error}: {PushHttp.Shorten(e.Error?.ErrorDescription)})");
        }
        catch (TokenResponseException e)
        {
            return PushResult.Transient($"Google token endpoint answered {(int?)e.StatusCode} {e.Error?.Error}");
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return PushHttp.Failed("Google token endpoint", e);
        }

        var now = clock.GetUtcNow();
        var ttl = DateTimeOffset.FromUnixTimeSeconds(job.ExpiresAt) - now;
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.FcmBaseUrl.TrimEnd('/') + "/v1/projects/" + Uri.EscapeDataString(projectId) + "/messages:send")
        {
            Content = new StringContent(PushPayloads.Fcm(job, hideMessage, ttl), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        try
        {
            using var response = await httpClients.CreateClient(ClientName).SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var result = Classify(response, body, clock.GetUtcNow());
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                // The access token was refused (revoked, clock skew): start again from the key.
                accounts.TryRemove(key, out _);
            }

            return result;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return PushHttp.Failed("FCM", e);
        }
    }

    private (string, ServiceAccountCredential) Create(string json)
    {
        var account = CredentialForms.ReadServiceAccount(json);
        var initializer = new ServiceAccountCredential.Initializer(account.ClientEmail, options.Value.GoogleTokenUrl)
        {
            Scopes = [Scope],
            KeyId = account.PrivateKeyId,
            ProjectId = account.ProjectId,
            Clock = new GoogleClock(clock),
            // Retries are the outbox's job, bounded by the push's TTL.
            DefaultExponentialBackOffPolicy = ExponentialBackOffPolicy.None,
        }.FromPrivateKey(account.PrivateKey);
        return (account.ProjectId, new ServiceAccountCredential(initializer));
    }

    /// <summary>Maps an FCM answer (https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode).</summary>
    internal static PushResult Classify(HttpResponseMessage response, string body, DateTimeOffset now)
    {
        var status = response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return PushResult.Sent("FCM accepted " + PushHttp.Shorten(Field(body, "name")));
        }

        var (errorCode, message, tokenField) = ReadError(body);
        var detail = $"FCM {(int)status} {errorCode ?? "error"}: {PushHttp.Shorten(message)}";
        if (errorCode == "UNREGISTERED" || status == HttpStatusCode.NotFound)
        {
            return PushResult.BadToken(detail);
        }

        if (status == HttpStatusCode.BadRequest && (tokenField || (message?.Contains("registration token", StringComparison.OrdinalIgnoreCase) ?? false)))
        {
            return PushResult.BadToken(detail);
        }

        if (PushHttp.IsTransient(status) || status == HttpStatusCode.Unauthorized)
        {
            return PushResult.Transient(detail, PushHttp.RetryAfter(response, now));
        }

        return PushResult.Permanent(detail);
    }

    private static (string? ErrorCode, string? Message, bool TokenField) ReadError(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
            {
                return (null, body, false);
            }

            string? code = error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            var tokenField = false;
            if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                foreach (var d in details.EnumerateArray())
                {
                    if (d.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    if (d.TryGetProperty("errorCode", out var ec) && ec.ValueKind == JsonValueKind.String)
                    {
                        code = ec.GetString();
                    }

                    if (d.TryGetProperty("fieldViolations", out var violations) && violations.ValueKind == JsonValueKind.Array)
                    {
                        tokenField |= violations.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.Object && v.TryGetProperty("field", out var f) && f.GetString() == "message.token");
                    }
                }
            }

            return (code, message, tokenField);
        }
        catch (JsonException)
        {
            return (null, body, false);
        }
    }

    private static string? Field(string body, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var v) ? v.ToString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Google's clock interface over the server's <see cref="TimeProvider"/> (token expiry, assertion times).</summary>
    private sealed class GoogleClock(TimeProvider clock) : Google.Apis.Util.IClock
    {
        public DateTime Now => clock.GetLocalNow().DateTime;

        public DateTime UtcNow => clock.GetUtcNow().UtcDateTime;
    }
}
