using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.TestKit.StandIns;

/// <summary>
/// Google's OAuth2 token endpoint and FCM HTTP v1 on one loopback Kestrel port, for real server
/// processes (<c>OpenVerify__Push__FcmBaseUrl</c>, <c>OpenVerify__Push__GoogleTokenUrl</c>). It checks
/// what it is sent (the service-account assertion's RS256 signature, iss, scope and aud; a bearer it
/// issued; the project) and logs every send in <see cref="Sends"/> under the push's challenge SID.
/// <see cref="Status"/> and <see cref="Delay"/> script the answer: a slow FCM keeps pushes in flight,
/// a 503 keeps them queued for retry.
/// </summary>
public sealed class FcmStandIn : IAsyncDisposable
{
    /// <summary>The Firebase project of <see cref="ServiceAccountJson"/>.</summary>
    public const string ProjectId = "openverify-fleet";

    private const string ClientEmail = "push@openverify-fleet.iam.gserviceaccount.com";
    private readonly RSA serviceAccountKey = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, bool> issuedTokens = new();
    private WebApplication? app;
    private int tokenCounter;
    private int status = 200;
    private long delayTicks;

    /// <summary>http://127.0.0.1:port.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Every FCM send, whatever it was answered; the id is <c>message.data.challenge_sid</c>.</summary>
    public DeliveryLog Sends { get; } = new();

    /// <summary>Anything refused (bad assertion, unknown bearer, wrong project): tests assert it stays empty.</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>The status FCM sends answer with (200 by default; 503 makes the server retry).</summary>
    public int Status
    {
        get => Volatile.Read(ref status);
        set => Volatile.Write(ref status, value);
    }

    /// <summary>How long each send waits, after it is logged, before it is answered.</summary>
    public TimeSpan Delay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref delayTicks));
        set => Interlocked.Exchange(ref delayTicks, value.Ticks);
    }

    /// <summary>The service-account JSON to create the FCM credential from (<c>POST /v1/Credentials Type=fcm Secret=…</c>).</summary>
    public string ServiceAccountJson => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["type"] = "service_account",
        ["project_id"] = ProjectId,
        ["private_key_id"] = "fleet-key-1",
        ["private_key"] = serviceAccountKey.ExportPkcs8PrivateKeyPem(),
        ["client_email"] = ClientEmail,
        ["client_id"] = "1234567890",
        ["token_uri"] = "https://oauth2.googleapis.com/token",
    });

    /// <summary>The server settings that point push at this stand-in, as environment variables.</summary>
    public IReadOnlyDictionary<string, string> ServerEnvironment => new Dictionary<string, string>
    {
        ["OpenVerify__Push__FcmBaseUrl"] = BaseUrl,
        ["OpenVerify__Push__GoogleTokenUrl"] = BaseUrl + "/token",
    };

    /// <summary>Starts on a free loopback port.</summary>
    public static async Task<FcmStandIn> StartAsync()
    {
        var standIn = new FcmStandIn();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var web = builder.Build();
        web.MapPost("/token", standIn.TokenAsync);
        web.MapPost("/v1/projects/{project}/messages:send", standIn.SendAsync);
        await web.StartAsync();
        standIn.app = web;
        standIn.BaseUrl = web.Urls.Single();
        return standIn;
    }

    // Note: Google.Apis.Auth addresses the assertion to Google's canonical token URL whatever endpoint it posts to.
    private async Task TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var parts = form["assertion"].ToString().Split('.');
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" || parts.Length != 3
            || !Base64Url.TryDecode(parts[2], out var signature)
            || !serviceAccountKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            || !Base64Url.TryDecode(parts[1], out var payloadBytes))
        {
            await RefuseAsync(context, 400, "token: bad grant or assertion signature");
            return;
        }

        using var payload = JsonDocument.Parse(payloadBytes);
        var claims = payload.RootElement;
        if (claims.GetProperty("iss").GetString() != ClientEmail || claims.GetProperty("scope").GetString() != "https://www.googleapis.com/auth/firebase.messaging"
            || claims.GetProperty("aud").GetString() != "https://oauth2.googleapis.com/token")
        {
            await RefuseAsync(context, 400, "token: wrong iss, scope or aud: " + claims);
            return;
        }

        var token = "ya29.fleet-" + Interlocked.Increment(ref tokenCounter);
        issuedTokens[token] = true;
        await context.Response.WriteAsJsonAsync(new Dictionary<string, object> { ["access_token"] = token, ["expires_in"] = 3599, ["token_type"] = "Bearer" });
    }

    private async Task SendAsync(HttpContext context, string project)
    {
        var auth = context.Request.Headers.Authorization.ToString();
        if (project != ProjectId || !auth.StartsWith("Bearer ", StringComparison.Ordinal) || !issuedTokens.ContainsKey(auth["Bearer ".Length..]))
        {
            await RefuseAsync(context, 401, $"fcm: project {project} or bearer '{auth}' not issued");
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        Dictionary<string, string> fields;
        try
        {
            using var json = JsonDocument.Parse(body);
            var message = json.RootElement.GetProperty("message");
            fields = message.GetProperty("data").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            fields["token"] = message.GetProperty("token").GetString() ?? "";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            await RefuseAsync(context, 400, "fcm: not an FCM v1 message: " + body);
            return;
        }

        var answer = Status;
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        Sends.Add(new Delivery(fields.GetValueOrDefault("challenge_sid", ""), System.Diagnostics.Stopwatch.GetTimestamp(), answer, fields, headers));
        if (Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The sender died or gave up while FCM was "working": the push was still received.
                return;
            }
        }

        context.Response.StatusCode = answer;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer == 200
            ? $"{{\"name\":\"projects/{project}/messages/{Guid.NewGuid():N}\"}}"
            : $"{{\"error\":{{\"code\":{answer},\"message\":\"scripted failure\",\"status\":\"UNAVAILABLE\"}}}}");
    }

    private async Task RefuseAsync(HttpContext context, int answer, string problem)
    {
        Problems.Enqueue(problem);
        context.Response.StatusCode = answer;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{\"error\":\"refused\"}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        serviceAccountKey.Dispose();
    }
}
