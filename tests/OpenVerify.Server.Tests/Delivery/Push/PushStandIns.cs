using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.Server.Tests.Delivery.Push;

/// <summary>A scripted answer of a stand-in; the default is success.</summary>
public sealed record Reply(int Status, string Body = "{}", string? RetryAfter = null, bool Hang = false)
{
    /// <summary>Never answers (until the client gives up).</summary>
    public static Reply Hangs() => new(0, Hang: true);
}

/// <summary>A request a stand-in received.</summary>
public sealed record Received(string Path, string Protocol, Dictionary<string, string> Headers, string Body, X509Certificate2? ClientCertificate)
{
    /// <summary>The body as JSON.</summary>
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}

/// <summary>
/// Local stand-ins for Google's OAuth2 token endpoint and FCM HTTP v1 (plain HTTP on loopback), and
/// APNs (HTTP/2 over TLS with a throwaway self-signed certificate). They check what they are sent
/// (the service-account assertion, the bearer token, the provider JWT or client certificate) and
/// answer as scripted: 429, 5xx, 410, or never.
/// </summary>
public sealed class PushStandIns : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly TestKeys keys;
    private readonly ConcurrentDictionary<string, bool> issuedTokens = new();
    private int tokenCounter;

    private PushStandIns(WebApplication app, TestKeys keys)
    {
        this.app = app;
        this.keys = keys;
    }

    /// <summary>http://127.0.0.1:port (token endpoint and FCM).</summary>
    public string HttpBase { get; private set; } = "";

    /// <summary>https://127.0.0.1:port (APNs).</summary>
    public string ApnsBase { get; private set; } = "";

    /// <summary>Token endpoint URL.</summary>
    public string TokenUrl => HttpBase + "/token";

    /// <summary>Answers FCM will give next (then 200).</summary>
    public ConcurrentQueue<Reply> FcmReplies { get; } = new();

    /// <summary>Answers FCM gives every time for a device token, before <see cref="FcmReplies"/>.</summary>
    public ConcurrentDictionary<string, Reply> FcmRepliesByToken { get; } = new();

    /// <summary>Answers APNs will give next (then 200).</summary>
    public ConcurrentQueue<Reply> ApnsReplies { get; } = new();

    /// <summary>Requests FCM accepted for checking (every one that reached it, whatever it answered).</summary>
    public ConcurrentQueue<Received> Fcm { get; } = new();

    /// <summary>Requests APNs received.</summary>
    public ConcurrentQueue<Received> Apns { get; } = new();

    /// <summary>Assertions the token endpoint received (decoded JWT payloads).</summary>
    public ConcurrentQueue<JsonElement> TokenRequests { get; } = new();

    /// <summary>Anything a stand-in refused (bad signature, unknown bearer...): tests assert it stays empty.</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>Starts the stand-ins on loopback ports.</summary>
    public static async Task<PushStandIns> StartAsync(TestKeys keys)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.UseHttps(keys.ApnsServerCertificate, https =>
                {
                    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                    https.AllowAnyClientCertificate();
                });
            });
        });
        var app = builder.Build();
        var standIns = new PushStandIns(app, keys);
        app.MapPost("/token", standIns.TokenAsync);
        app.MapPost("/v1/projects/{project}/messages:send", standIns.FcmAsync);
        app.MapPost("/3/device/{token}", standIns.ApnsAsync);
        app.MapPost("/sandbox/3/device/{token}", standIns.ApnsAsync);
        await app.StartAsync();
        standIns.HttpBase = app.Urls.Single(u => u.StartsWith("http://", StringComparison.Ordinal));
        standIns.ApnsBase = app.Urls.Single(u => u.StartsWith("https://", StringComparison.Ordinal));
        return standIns;
    }

    // Note: Google.Apis.Auth always addresses the assertion to Google's canonical token URL, which is
    // what Google checks, even when the request goes to another endpoint.
    private async Task TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var assertion = form["assertion"].ToString();
        var parts = assertion.Split('.');
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" || parts.Length != 3
            || !Base64Url.TryDecode(parts[2], out var signature)
            || !keys.ServiceAccountKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            await RefuseAsync(context, 400, "token: bad grant or assertion signature");
            return;
        }

        Base64Url.TryDecode(parts[1], out var payloadBytes);
        var payload = JsonDocument.Parse(payloadBytes).RootElement.Clone();
        if (payload.GetProperty("iss").GetString() != TestKeys.ClientEmail
            || payload.GetProperty("scope").GetString() != "https://www.googleapis.com/auth/firebase.messaging"
            || payload.GetProperty("aud").GetString() != "https://oauth2.googleapis.com/token")
        {
            await RefuseAsync(context, 400, "token: wrong iss, scope or aud: " + payload);
            return;
        }

        TokenRequests.Enqueue(payload);
        var token = "ya29.stand-in-" + Interlocked.Increment(ref tokenCounter);
        issuedTokens[token] = true;
        await context.Response.WriteAsJsonAsync(new Dictionary<string, object> { ["access_token"] = token, ["expires_in"] = 3599, ["token_type"] = "Bearer" });
    }

    private async Task FcmAsync(HttpContext context, string project)
    {
        var auth = context.Request.Headers.Authorization.ToString();
        if (project != TestKeys.ProjectId || !auth.StartsWith("Bearer ", StringComparison.Ordinal) || !issuedTokens.ContainsKey(auth["Bearer ".Length..]))
        {
            await RefuseAsync(context, 401, $"fcm: project {project} or bearer '{auth}' not issued");
            return;
        }

        var received = await RecordAsync(context);
        Fcm.Enqueue(received);
        var token = received.Json.GetProperty("message").GetProperty("token").GetString()!;
        await AnswerAsync(context, FcmReplies, "{\"name\":\"projects/" + project + "/messages/" + Fcm.Count + "\"}", FcmRepliesByToken.GetValueOrDefault(token));
    }

    private async Task ApnsAsync(HttpContext context, string token)
    {
        var certificate = await context.Connection.GetClientCertificateAsync();
        if (certificate is null)
        {
            var auth = context.Request.Headers.Authorization.ToString();
            if (!auth.StartsWith("bearer ", StringComparison.Ordinal) || !ProviderJwtVerifies(auth["bearer ".Length..]))
            {
                await RefuseAsync(context, 403, "{\"reason\":\"InvalidProviderToken\"}", "apns: provider JWT does not verify: " + auth);
                return;
            }
        }
        else if (certificate.Thumbprint != keys.ApnsClientCertificate.Thumbprint)
        {
            await RefuseAsync(context, 403, "{\"reason\":\"BadCertificate\"}", "apns: unknown client certificate");
            return;
        }

        var received = await RecordAsync(context);
        Apns.Enqueue(received);
        context.Response.Headers["apns-id"] = Guid.NewGuid().ToString();
        await AnswerAsync(context, ApnsReplies, "");
    }

    private bool ProviderJwtVerifies(string jwt)
    {
        if (!CompactJws.TryParse(jwt, out var jws))
        {
            return false;
        }

        using (jws)
        {
            var header = jws.Header.RootElement;
            var payload = jws.Payload.RootElement;
            return header.GetProperty("alg").GetString() == "ES256"
                && header.GetProperty("kid").GetString() == TestKeys.ApnsKeyId
                && payload.GetProperty("iss").GetString() == TestKeys.TeamId
                && payload.GetProperty("iat").ValueKind == JsonValueKind.Number
                && jws.VerifyEs256(keys.ApnsKey);
        }
    }

    private static async Task<Received> RecordAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        return new Received(context.Request.Path, context.Request.Protocol, headers, body, context.Connection.ClientCertificate);
    }

    private static async Task AnswerAsync(HttpContext context, ConcurrentQueue<Reply> replies, string successBody, Reply? fixedReply = null)
    {
        var reply = fixedReply;
        if (reply is null && !replies.TryDequeue(out reply))
        {
            reply = new Reply(200, successBody);
        }

        if (reply.Hang)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        context.Response.StatusCode = reply.Status;
        if (reply.RetryAfter is not null)
        {
            context.Response.Headers.RetryAfter = reply.RetryAfter;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply.Body);
    }

    private Task RefuseAsync(HttpContext context, int status, string problem) => RefuseAsync(context, status, "{\"error\":\"refused\"}", problem);

    private async Task RefuseAsync(HttpContext context, int status, string body, string problem)
    {
        Problems.Enqueue(problem);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
