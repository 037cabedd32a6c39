using System.Collections.Concurrent;
using System.Diagnostics;

namespace OpenVerify.Bench;

/// <summary>What one mode measured.</summary>
internal sealed class RunResult
{
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public double Seconds { get; set; }
    public long Flows { get; set; }
    public long Errors { get; set; }
    public long[] ErrorsByStep { get; } = new long[LatencyRecorder.StepCount];
    public string? FirstError { get; set; }
    public string?[] FirstErrorByStep { get; } = new string?[LatencyRecorder.StepCount];
    public LatencyRecorder Latencies { get; } = new();
    public double? ServerCpuSeconds { get; set; }
    public double? ClientCpuSeconds { get; set; }

    /// <summary>PostgreSQL: the cluster's CPU seconds over the measured window (SQLite's work is in the server's own CPU).</summary>
    public double? DatabaseCpuSeconds { get; set; }
    public double? ServerPeakRssMiB { get; set; }
    public string LoadBefore { get; set; } = "";
    public string LoadAfter { get; set; } = "";
    public double? TargetRate { get; set; }
    public long Dropped { get; set; }
    public int Concurrency { get; set; }
    public int Devices { get; set; }
    public string? Note { get; set; }

    /// <summary>sqlite, postgres, or none (ceiling) / external (--url).</summary>
    public string Storage { get; init; } = "sqlite";

    /// <summary>Startup mode: the server's start to its first /healthz 200.</summary>
    public TimeSpan? HealthyAfter { get; set; }

    /// <summary>Startup mode: the server's CPU seconds when /healthz first answered (start-up work).</summary>
    public double? ServerCpuAtHealthy { get; init; }

    /// <summary>Startup mode: the server's CPU seconds in the first <see cref="Timeline"/> seconds of load.</summary>
    public double? ServerCpuFirstSeconds { get; set; }

    /// <summary>Startup mode: flows completed in each second after the first /healthz 200 (warm-up included).</summary>
    public Timeline? Timeline { get; init; }

    /// <summary>--count-statements: the statements the database ran in the measured window.</summary>
    public IReadOnlyList<StatementCount>? Statements { get; set; }

    public double FlowsPerSecond => Seconds > 0 ? Flows / Seconds : 0;

    public double RequestsPerSecond => FlowsPerSecond * LatencyRecorder.StepCount;

    /// <summary>Server CPU per completed flow, microseconds.</summary>
    public double? ServerCpuPerFlowMicros => ServerCpuSeconds is { } cpu && Flows > 0 ? cpu * 1e6 / Flows : null;

    public double? DatabaseCpuPerFlowMicros => DatabaseCpuSeconds is { } cpu && Flows > 0 ? cpu * 1e6 / Flows : null;

    public double? ClientCpuPerFlowMicros => ClientCpuSeconds is { } cpu && Flows > 0 ? cpu * 1e6 / Flows : null;

    public void Fail(FlowException e)
    {
        Interlocked.Increment(ref ErrorsByStep[(int)e.Step]);
        Interlocked.Increment(ref errors);
        Errors = Interlocked.Read(ref errors);
        FirstError ??= $"{e.Step}: {e.Message}";
        FirstErrorByStep[(int)e.Step] ??= e.Message;
    }

    private long errors;
}

/// <summary>Completed flows per second from an origin, for the first few seconds.</summary>
internal sealed class Timeline(long origin, int seconds)
{
    private readonly long[] flows = new long[seconds];
    private readonly long[] errors = new long[seconds];

    public int Seconds => flows.Length;

    public void Flow() => Add(flows);

    public void Error() => Add(errors);

    public long FlowsIn(int second) => Interlocked.Read(ref flows[second]);

    public long ErrorsIn(int second) => Interlocked.Read(ref errors[second]);

    private void Add(long[] buckets)
    {
        var second = (int)Stopwatch.GetElapsedTime(origin).TotalSeconds;
        if (second < buckets.Length)
        {
            Interlocked.Increment(ref buckets[second]);
        }
    }
}

/// <summary>Work done just before and just after the measured window (e.g. reading the database's statement counters).</summary>
internal interface IWindowProbe
{
    Task BeginAsync(CancellationToken cancellationToken);

    Task EndAsync(RunResult result, CancellationToken cancellationToken);
}

/// <summary>Drives flows closed-loop (C at once, as fast as they go) or open-loop (a fixed start rate).</summary>
internal static class FlowDriver
{
    /// <summary>C workers, each cycling through its own devices, so no device has two flows at once.</summary>
    public static async Task<RunResult> ClosedLoopAsync(RunResult result, VerifyApi api, IReadOnlyList<Device> devices, int concurrency,
        TimeSpan warmup, TimeSpan duration, int? serverPid, IWindowProbe? probe, CancellationToken cancellationToken)
    {
        concurrency = Math.Min(concurrency, devices.Count);
        result.Concurrency = concurrency;
        result.Devices = devices.Count;
        var measuring = 0;
        var stop = 0;
        long flows = 0;
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var mine = devices.Where(d => d.Index % concurrency == w).ToArray();
            for (var i = 0; Volatile.Read(ref stop) == 0; i++)
            {
                var recording = Volatile.Read(ref measuring) == 1;
                await RunOneAsync(api, mine[i % mine.Length], recording ? result : null, result, Stopwatch.GetTimestamp(), cancellationToken);
                if (recording && Volatile.Read(ref measuring) == 1)
                {
                    Interlocked.Increment(ref flows);
                }
            }
        }, cancellationToken)).ToArray();

        await MeasureAsync(result, warmup, duration, serverPid, probe, () => Interlocked.Exchange(ref measuring, 1), () => Interlocked.Exchange(ref measuring, 0), cancellationToken);
        result.Flows = Interlocked.Read(ref flows);
        Interlocked.Exchange(ref stop, 1);
        await Task.WhenAll(workers);
        return result;
    }

    /// <summary>
    /// Starts flows at <paramref name="rate"/> per second on free devices; a flow's total time runs from
    /// its scheduled start, so a server that falls behind shows it (no coordinated omission). When
    /// every device is busy the start is dropped and counted.
    /// </summary>
    public static async Task<RunResult> OpenLoopAsync(RunResult result, VerifyApi api, IReadOnlyList<Device> devices, double rate,
        TimeSpan warmup, TimeSpan duration, int? serverPid, IWindowProbe? probe, CancellationToken cancellationToken)
    {
        result.TargetRate = rate;
        result.Devices = devices.Count;
        var free = new ConcurrentQueue<Device>(devices);
        var measuring = 0;
        long flows = 0, dropped = 0, inFlight = 0, maxInFlight = 0;
        var running = new ConcurrentDictionary<Task, bool>();
        var interval = Stopwatch.Frequency / rate;
        using var stopping = new CancellationTokenSource();

        var scheduler = Task.Run(async () =>
        {
            var origin = Stopwatch.GetTimestamp();
            long scheduled = 0;
            while (!stopping.IsCancellationRequested)
            {
                var due = (long)((Stopwatch.GetTimestamp() - origin) / interval);
                for (; scheduled < due; scheduled++)
                {
                    var intended = origin + (long)(scheduled * interval);
                    var recording = Volatile.Read(ref measuring) == 1;
                    if (!free.TryDequeue(out var device))
                    {
                        if (recording)
                        {
                            Interlocked.Increment(ref dropped);
                        }

                        continue;
                    }

                    var now = Interlocked.Increment(ref inFlight);
                    if (now > Interlocked.Read(ref maxInFlight))
                    {
                        Interlocked.Exchange(ref maxInFlight, now);
                    }

                    var task = Task.Run(async () =>
                    {
                        try
                        {
                            if (await RunOneAsync(api, device, recording ? result : null, result, intended, cancellationToken) && recording && Volatile.Read(ref measuring) == 1)
                            {
                                Interlocked.Increment(ref flows);
                            }
                        }
                        finally
                        {
                            Interlocked.Decrement(ref inFlight);
                            free.Enqueue(device);
                        }
                    }, cancellationToken);
                    running[task] = true;
                    _ = task.ContinueWith(t => running.TryRemove(t, out _), TaskScheduler.Default);
                }

                await Task.Delay(1, CancellationToken.None);
            }
        }, cancellationToken);

        await MeasureAsync(result, warmup, duration, serverPid, probe, () => Interlocked.Exchange(ref measuring, 1), () => Interlocked.Exchange(ref measuring, 0), cancellationToken);
        result.Flows = Interlocked.Read(ref flows);
        result.Dropped = Interlocked.Read(ref dropped);
        result.Concurrency = (int)Interlocked.Read(ref maxInFlight);
        await stopping.CancelAsync();
        await scheduler;
        await Task.WhenAll(running.Keys);
        return result;
    }

    private static async Task MeasureAsync(RunResult result, TimeSpan warmup, TimeSpan duration, int? serverPid, IWindowProbe? probe, Action begin, Action end,
        CancellationToken cancellationToken)
    {
        await Task.Delay(warmup, cancellationToken);
        if (probe is not null)
        {
            await probe.BeginAsync(cancellationToken);
        }

        result.LoadBefore = ProcessStats.LoadAverage();
        var serverCpu = serverPid is { } pid ? ProcessStats.CpuSeconds(pid) : null;
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        begin();
        await Task.Delay(duration, cancellationToken);
        end();
        result.Seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        result.ClientCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalSeconds;
        if (serverPid is { } p)
        {
            result.ServerCpuSeconds = ProcessStats.CpuSeconds(p) - serverCpu;
            result.ServerPeakRssMiB = ProcessStats.PeakRssMiB(p);
        }

        result.LoadAfter = ProcessStats.LoadAverage();
        if (probe is not null)
        {
            await probe.EndAsync(result, cancellationToken);
        }
    }

    /// <summary>One flow; failures are counted on <paramref name="errors"/> (always, warm-up included).</summary>
    private static async Task<bool> RunOneAsync(VerifyApi api, Device device, RunResult? recording, RunResult errors, long flowStart, CancellationToken cancellationToken)
    {
        try
        {
            await api.RunFlowAsync(device, recording?.Latencies, cancellationToken);
            recording?.Latencies.RecordFlow(flowStart);
            errors.Timeline?.Flow();
            return true;
        }
        catch (FlowException e)
        {
            errors.Fail(e);
            errors.Timeline?.Error();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            errors.Fail(new FlowException(Step.Create, e.GetType().Name + ": " + e.Message));
            errors.Timeline?.Error();
        }

        return false;
    }
}
