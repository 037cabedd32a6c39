using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace OpenVerify.Bench;

/// <summary>
/// Mode live (issue 16): holds one event stream per device open against `openverify serve`, reads
/// the server's memory before and after they opened (per open stream) and its CPU while they idle,
/// then creates challenges at <see cref="Rate"/> per second, spread over the devices, and measures the
/// delay from sending the create to reading the event on that device's stream.
/// </summary>
internal static class LiveBench
{
    public const int DefaultStreams = 5000;
    private const double Rate = 200;

    public static async Task<string> RunAsync(string storage, VerifyApi api, Device[] devices, int pid, TimeSpan duration, Action<string> log, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sent = new long[devices.Length];
        var delays = new ConcurrentBag<double>();
        var opened = 0;

        // The server's own idle cost (maintenance, outbox polls), without streams, over the same window.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var baseCpuStart = ProcessStats.CpuSeconds(pid) ?? double.NaN;
        var baseWindow = Stopwatch.StartNew();
        await Task.Delay(duration, cancellationToken);
        var baseShare = ((ProcessStats.CpuSeconds(pid) ?? double.NaN) - baseCpuStart) / baseWindow.Elapsed.TotalSeconds * 100;
        var rssBefore = ProcessStats.RssMiB(pid) ?? double.NaN;
        log($"live [{storage}]: opening {devices.Length} event streams (server RSS {rssBefore:0} MiB)");
        var readers = new List<Task>(devices.Length);
        using var connected = new SemaphoreSlim(0);
        foreach (var chunk in devices.Chunk(200))
        {
            foreach (var device in chunk)
            {
                readers.Add(ReadAsync(device));
            }

            for (var i = 0; i < chunk.Length; i++)
            {
                await connected.WaitAsync(cancellationToken);
            }
        }

        log($"live [{storage}]: {opened} streams open");
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        var rssOpen = ProcessStats.RssMiB(pid) ?? double.NaN;
        var cpuBefore = ProcessStats.CpuSeconds(pid) ?? double.NaN;
        var idle = Stopwatch.StartNew();
        await Task.Delay(duration, cancellationToken);
        var idleCpu = (ProcessStats.CpuSeconds(pid) ?? double.NaN) - cpuBefore;
        var idleShare = idleCpu / idle.Elapsed.TotalSeconds * 100;
        log($"live [{storage}]: idle {idle.Elapsed.TotalSeconds:0} s: server CPU {idleCpu:0.00} s ({idleShare:0.0}% of one core), RSS {rssOpen:0} MiB");

        var created = 0;
        var errors = 0;
        var started = Stopwatch.StartNew();
        var next = 0;
        var creates = new List<Task>();
        while (started.Elapsed < duration)
        {
            var due = (long)(started.Elapsed.TotalSeconds * Rate);
            for (; created < due; created++)
            {
                var device = devices[next++ % devices.Length];
                creates.Add(CreateAsync(device));
            }

            await Task.Delay(5, cancellationToken);
        }

        await Task.WhenAll(creates);
        // Give the last events a moment to arrive before reading the figures.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        var sorted = delays.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        var perStreamKiB = (rssOpen - rssBefore) * 1024 / Math.Max(1, opened);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"Live mode [{storage}]: {opened} idle event streams took {rssOpen - rssBefore:0} MiB of server RSS ({perStreamKiB:0.0} KiB per stream, {rssBefore:0} -> {rssOpen:0} MiB); "
            + $"while idle for {idle.Elapsed.TotalSeconds:0} s the server used {idleCpu:0.00} s of CPU ({idleShare:0.0}% of one core, heartbeats included; {baseShare:0.0}% without streams). "
            + $"At {Rate:0} challenges/s for {duration.TotalSeconds:0} s: {sorted.Length} of {created} events arrived ({errors} create errors), "
            + $"create-to-event p50 {Percentile(0.50):0.0} ms, p99 {Percentile(0.99):0.0} ms, max {(sorted.Length == 0 ? double.NaN : sorted[^1]):0.0} ms.");
        log(summary);
        return summary;

        async Task CreateAsync(Device device)
        {
            Volatile.Write(ref sent[device.Index], Stopwatch.GetTimestamp());
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"{api.BaseUrl}/v2/Services/{api.ServiceSid}/Entities/{device.Identity}/Challenges")
                {
                    Content = new StringContent("FactorSid=" + device.FactorSid + "&Details.Message=Live+bench", Encoding.UTF8, "application/x-www-form-urlencoded"),
                };
                request.Headers.Authorization = api.Backend;
                using var response = await http.SendAsync(request, cancellationToken);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref errors);
                }
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref errors);
            }
        }

        async Task ReadAsync(Device device)
        {
            var signalled = false;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{api.BaseUrl}/v2/Services/{api.ServiceSid}/Entities/{device.Identity}/Challenges/Events?FactorSid={device.FactorSid}");
                request.Headers.Authorization = device.Authorization(TimeProvider.System);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
                Interlocked.Increment(ref opened);
                signalled = true;
                connected.Release();
                while (await reader.ReadLineAsync(stop.Token) is { } line)
                {
                    if (line == "event: challenge" && Volatile.Read(ref sent[device.Index]) is var at and > 0)
                    {
                        delays.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                        Volatile.Write(ref sent[device.Index], 0);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
            {
            }
            finally
            {
                if (!signalled)
                {
                    connected.Release();
                }
            }
        }
    }
}
