using System.Diagnostics;

namespace OpenVerify.Bench;

/// <summary>Per-step latencies (Stopwatch ticks) of the measured window; thread-safe.</summary>
internal sealed class LatencyRecorder
{
    private readonly List<long>[] steps = Enumerable.Range(0, StepCount).Select(_ => new List<long>(1 << 16)).ToArray();
    private readonly List<long> flows = new(1 << 16);

    public const int StepCount = 5;

    /// <summary>Adds the time since <paramref name="start"/> to the step; returns now (the next step's start).</summary>
    public long Record(Step step, long start)
    {
        var now = Stopwatch.GetTimestamp();
        var list = steps[(int)step];
        lock (list)
        {
            list.Add(now - start);
        }

        return now;
    }

    /// <summary>Adds a whole flow's time (from its intended start in rate mode).</summary>
    public void RecordFlow(long start)
    {
        var elapsed = Stopwatch.GetTimestamp() - start;
        lock (flows)
        {
            flows.Add(elapsed);
        }
    }

    public Percentiles For(Step step) => Percentiles.Of(steps[(int)step]);

    public Percentiles Flow() => Percentiles.Of(flows);
}

/// <summary>p50/p95/p99/max in milliseconds.</summary>
internal readonly record struct Percentiles(int Count, double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(List<long> samples)
    {
        long[] sorted;
        lock (samples)
        {
            sorted = samples.ToArray();
        }

        if (sorted.Length == 0)
        {
            return new Percentiles(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        Array.Sort(sorted);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double At(double q) => Ms(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)]);
        return new Percentiles(sorted.Length, At(0.50), At(0.95), At(0.99), Ms(sorted[^1]));
    }
}
