using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace OpenVerify.TestKit.StandIns;

/// <summary>
/// "The app backend" for real server processes: a loopback Kestrel server that logs every webhook
/// POST in <see cref="Deliveries"/> under its event <c>uuid</c> (the value of <c>I-Twilio-Idempotency-Token</c>
/// and, with a signing secret, <c>webhook-id</c>). <see cref="Status"/> and <see cref="Delay"/> script the answer.
/// Loopback webhook URLs need <see cref="ServerEnvironment"/> on the server.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private WebApplication? app;
    private int status = 200;
    private long delayTicks;

    /// <summary>Every POST, whatever it was answered.</summary>
    public DeliveryLog Deliveries { get; } = new();

    /// <summary>The URL to register as <c>WebhookUrl</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The status to answer with (200 by default).</summary>
    public int Status
    {
        get => Volatile.Read(ref status);
        set => Volatile.Write(ref status, value);
    }

    /// <summary>How long each POST waits, after it is logged, before it is answered.</summary>
    public TimeSpan Delay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref delayTicks));
        set => Interlocked.Exchange(ref delayTicks, value.Ticks);
    }

    /// <summary>The server setting that allows loopback webhook URLs, as an environment variable.</summary>
    public static IReadOnlyDictionary<string, string> ServerEnvironment => new Dictionary<string, string>
    {
        ["OpenVerify__Webhooks__AllowPrivateNetworks"] = "true",
    };

    /// <summary>Starts on a free loopback port.</summary>
    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var web = builder.Build();
        web.MapPost("/hooks", receiver.ReceiveAsync);
        await web.StartAsync();
        receiver.app = web;
        receiver.Url = web.Urls.Single() + "/hooks";
        return receiver;
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var fields = QueryHelpers.ParseQuery(body).ToDictionary(p => p.Key, p => p.Value.ToString());
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var answer = Status;
        Deliveries.Add(new Delivery(fields.GetValueOrDefault("uuid", ""), System.Diagnostics.Stopwatch.GetTimestamp(), answer, fields, headers));
        if (Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = answer;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
