using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

using OpenVerify.TestKit.StandIns;

namespace OpenVerify.TestKit.Webhooks;

/// <summary>A request the receiver got.</summary>
public sealed record ReceivedRequest(string Url, string Body, IReadOnlyDictionary<string, string> Form, IReadOnlyDictionary<string, string> Headers)
{
    public string this[string field] => Form[field];
}

/// <summary>
/// "The app backend": a real Kestrel server on 127.0.0.1 that records every webhook POST. It can answer
/// with an error status, answer slowly, or be stopped (connection refused) and started again on its port.
/// Tests wait for what they expect with <see cref="WaitForAsync(int, TimeSpan?)"/> (bounded), never by sleeping.
/// Two records: <see cref="Requests"/> (what was answered, after any <see cref="Delay"/>) for in-process
/// servers, and <see cref="Deliveries"/> (every arrival under its event <c>uuid</c>, logged before the delay
/// with the status it will get) for fleets of server processes, which count deliveries per event.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    /// <summary>How long a wait lasts unless told otherwise.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    private readonly Lock waitersLock = new();
    private readonly List<(Func<IReadOnlyList<ReceivedRequest>, bool> Until, TaskCompletionSource Done)> waiters = [];
    private WebApplication? app;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Every POST on arrival, under its event <c>uuid</c> (also <c>I-Twilio-Idempotency-Token</c>), whatever it was answered.</summary>
    public DeliveryLog Deliveries { get; } = new();

    /// <summary>The server setting that allows loopback webhook URLs, as an environment variable (for server processes).</summary>
    public static IReadOnlyDictionary<string, string> ServerEnvironment => new Dictionary<string, string>
    {
        ["OpenVerify__Webhooks__AllowPrivateNetworks"] = "true",
    };

    /// <summary>Status to answer with (200 by default).</summary>
    public int Status { get; set; } = 200;

    /// <summary>How long to wait before answering (a slow peer; the request is recorded after it).</summary>
    public TimeSpan Delay { get; set; }

    public int Port { get; private set; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>A <c>WebhookUrl</c> to register (any path is received).</summary>
    public string Url => BaseUrl + "/hooks";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
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

    /// <summary>Waits until at least <paramref name="count"/> requests have arrived; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(int count, TimeSpan? timeout = null) =>
        WaitForAsync(received => received.Count >= count, $"{count} request(s)", timeout);

    /// <summary>Waits until <paramref name="until"/> holds for the requests so far; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(Func<IReadOnlyList<ReceivedRequest>, bool> until, string what, TimeSpan? timeout = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (waitersLock)
        {
            if (until([.. Requests]))
            {
                return [.. Requests];
            }

            waiters.Add((until, done));
        }

        try
        {
            await done.Task.WaitAsync(timeout ?? DefaultWait);
        }
        catch (TimeoutException)
        {
            var got = Requests.ToList();
            throw new TimeoutException($"waited {(timeout ?? DefaultWait).TotalSeconds} s for {what}; got {got.Count}: {string.Join(", ", got.Select(r => r.Form.GetValueOrDefault("type", r.Url)))}");
        }
        finally
        {
            lock (waitersLock)
            {
                waiters.RemoveAll(w => w.Done == done);
            }
        }

        return [.. Requests];
    }

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var form = QueryHelpers.ParseQuery(body).ToDictionary(p => p.Key, p => p.Value.ToString());
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var url = $"http://127.0.0.1:{Port}{context.Request.Path}{context.Request.QueryString}";
        var status = Status;
        Deliveries.Add(new Delivery(form.GetValueOrDefault("uuid", ""), System.Diagnostics.Stopwatch.GetTimestamp(), status, form, headers));
        if (Delay > TimeSpan.Zero)
        {
            // A slow peer, not synchronisation: the sender's read time-out is what is being tested.
            await Task.Delay(Delay);
        }

        Record(new ReceivedRequest(url, body, form, headers));
        return Results.StatusCode(status);
    }

    private void Record(ReceivedRequest request)
    {
        lock (waitersLock)
        {
            Requests.Enqueue(request);
            var received = Requests.ToList();
            foreach (var (until, done) in waiters)
            {
                if (until(received))
                {
                    done.TrySetResult();
                }
            }
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
