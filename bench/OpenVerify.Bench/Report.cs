using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace OpenVerify.Bench;

/// <summary>The run's results as Markdown (printed, and written with --markdown).</summary>
internal static class Report
{
    public static string Build(BenchOptions options, IReadOnlyList<RunResult> results, IReadOnlyList<string> notes)
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.AppendLine(c, $"## OpenVerify.Bench, {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC");
        s.AppendLine();
        s.Append(c, $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; ");
        s.AppendLine(c, $"devices {options.Devices}, concurrency {options.Concurrency}, warm-up {options.Warmup.TotalSeconds:0}s, measured {options.Duration.TotalSeconds:0}s per mode. The load generator runs on the same cores as the server. Load = /proc/loadavg (1/5/15 min) before → after the measured window.");
        s.AppendLine();
        s.AppendLine("| mode | flows/s | requests/s | errors | server CPU µs/flow | server CPU use | client CPU µs/flow | server peak RSS | load before → after |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            var cpuUse = r.ServerCpuSeconds is { } cpu ? $"{cpu / r.Seconds * 100:0}%" : "n/a";
            var name = r.TargetRate is { } rate ? $"{r.Name} (target {rate:0}/s{(r.Dropped > 0 ? $", {r.Dropped} starts dropped" : "")})" : $"{r.Name} (C={r.Concurrency})";
            s.AppendLine(c, $"| {name} | {r.FlowsPerSecond:0} | {r.RequestsPerSecond:0} | {r.Errors} | {Fmt(r.ServerCpuPerFlowMicros, "0")} | {cpuUse} | {Fmt(r.ClientCpuPerFlowMicros, "0")} | {Fmt(r.ServerPeakRssMiB, "0")} MiB | {r.LoadBefore} → {r.LoadAfter} |");
        }

        s.AppendLine();
        s.AppendLine("Latency per step, ms (p50 / p95 / p99 / max):");
        s.AppendLine();
        s.AppendLine("| mode | create | list pending | fetch | approve | backend fetch | whole flow |");
        s.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var cells = Enum.GetValues<Step>().Select(step => Cell(r.Latencies.For(step))).Append(Cell(r.Latencies.Flow()));
            s.AppendLine(c, $"| {r.Name} | {string.Join(" | ", cells)} |");
        }

        var errors = results.Where(r => r.Errors > 0).ToList();
        if (errors.Count > 0)
        {
            s.AppendLine();
            foreach (var r in errors)
            {
                var byStep = string.Join(", ", Enum.GetValues<Step>().Where(st => r.ErrorsByStep[(int)st] > 0).Select(st => $"{st} {r.ErrorsByStep[(int)st]}"));
                s.AppendLine(c, $"- **{r.Name}: {r.Errors} errors** ({byStep})");
                foreach (var st in Enum.GetValues<Step>().Where(st => r.FirstErrorByStep[(int)st] is not null))
                {
                    s.AppendLine(c, $"  - first {st} error: `{r.FirstErrorByStep[(int)st]}`");
                }
            }
        }

        var targets = Targets(results).ToList();
        if (targets.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("| target | measured | |");
            s.AppendLine("|---|---:|---|");
            foreach (var (target, measured, met) in targets)
            {
                s.AppendLine(c, $"| {target} | {measured} | {(met ? "met" : "**missed**")} |");
            }
        }

        foreach (var note in notes)
        {
            s.AppendLine();
            s.AppendLine(note);
        }

        return s.ToString();
    }

    private static IEnumerable<(string Target, string Measured, bool Met)> Targets(IReadOnlyList<RunResult> results)
    {
        var full = results.FirstOrDefault(r => r.Kind == "full");
        var ceiling = results.FirstOrDefault(r => r.Kind == "ceiling");
        var rate = results.FirstOrDefault(r => r.Kind == "rate");
        var scale = results.FirstOrDefault(r => r.Kind == "scale");
        var c = CultureInfo.InvariantCulture;
        if (full is not null)
        {
            yield return ("≥ 3 000 flows/s on SQLite", full.FlowsPerSecond.ToString("0", c), full.FlowsPerSecond >= 3000);
        }

        if (full is not null && ceiling is not null && ceiling.FlowsPerSecond > 0)
        {
            var ratio = full.FlowsPerSecond / ceiling.FlowsPerSecond;
            yield return ("≥ 60 % of the in-run ceiling", $"{ratio * 100:0} % ({full.FlowsPerSecond:0} / {ceiling.FlowsPerSecond:0})", ratio >= 0.6);
        }

        if (rate is not null)
        {
            var p99 = rate.Latencies.For(Step.Approve).P99;
            var reached = rate.FlowsPerSecond >= 0.95 * rate.TargetRate!.Value;
            yield return ($"approve p99 ≤ 20 ms at {rate.TargetRate:0} flows/s", $"{p99:0.0} ms at {rate.FlowsPerSecond:0} flows/s", p99 <= 20 && reached);
        }

        if (full is not null && scale is not null && full.FlowsPerSecond > 0)
        {
            var ratio = scale.FlowsPerSecond / full.FlowsPerSecond;
            yield return ("scale within 10 % of the empty database", $"{ratio * 100:0} % ({scale.FlowsPerSecond:0} / {full.FlowsPerSecond:0})", ratio >= 0.9);
        }

        var rss = results.Where(r => r.Kind != "ceiling" && r.ServerPeakRssMiB is not null).Select(r => r.ServerPeakRssMiB!.Value).DefaultIfEmpty(double.NaN).Max();
        if (!double.IsNaN(rss))
        {
            yield return ("server RSS ≤ 300 MB", $"{rss:0} MiB", rss * 1.048576 <= 300);
        }
    }

    private static string Cell(Percentiles p) =>
        p.Count == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{p.P50:0.0} / {p.P95:0.0} / {p.P99:0.0} / {p.Max:0}");

    private static string Fmt(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";
}
