using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace OpenVerify.Webhooks.Tests.Support;

/// <summary>A request the receiver got.</summary>
public sealed record ReceivedRequest(string Url, string Body, IReadOnlyDictionary<string, string> Form, IReadOnlyDictionary<string, string> Headers)
{
    public string this[string field] => Form[field];
}

/// <summary>
/// "The app backend": a real Kestrel server on 127.0.0.1 that records every webhook POST. It can answer
/// with an error status, answer slowly, or be stopped (connection refused) and started again on its port.
/// </summary>
public sealed class Receiver : IAsyncDisposable
{
    private WebApplication? app;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Status to answer with (200 by default).</summary>
    public int Status { get; set; } = 200;

    /// <summary>How long to wait before answering.</summary>
    public TimeSpan Delay { get; set; }

    public int Port { get; private set; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public static async Task<Receiver> StartAsync()
    {
        var receiver = new Receiver();
        await receiver.StartAsync(0);
        return receiver;
    }

    /// <summary>Starts listening (again) on <paramref name="port"/>; 0 picks a free port.</summary>
    public async Task StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var web = builder.Build();
        web.MapPost("/{**path}", (Delegate)ReceiveAsync);
        await web.StartAsync();
        app = web;
        Port = new Uri(web.Urls.First()).Port;
    }

    /// <summary>Stops listening: deliveries fail to connect until <see cref="StartAsync(int)"/>.</summary>
    public async Task StopAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
            app = null;
        }
    }

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var form = QueryHelpers.ParseQuery(body).ToDictionary(p => p.Key, p => p.Value.ToString());
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var url = $"http://127.0.0.1:{Port}{context.Request.Path}{context.Request.QueryString}";
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }

        Requests.Enqueue(new ReceivedRequest(url, body, form, headers));
        return Results.StatusCode(Status);
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
