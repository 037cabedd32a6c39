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
        s.Append(c, $"devices/concurrency {options.DevicesFor("full")}/{options.ConcurrencyFor("full")} (sdk and startup {options.DevicesFor("sdk")}/{options.ConcurrencyFor("sdk")}), ");
        s.AppendLine(c, $"warm-up {options.Warmup.TotalSeconds:0}s, measured {options.Duration.TotalSeconds:0}s per mode. The load generator runs on the same cores as the server. Load = /proc/loadavg (1/5/15 min) before → after the measured window.");
        if (options.Url is null)
        {
            s.AppendLine();
            s.AppendLine(c, $"Server: `{ServerCommand(options)}`; storage {string.Join(", ", options.Storages)}.{(options.Storages.Contains("postgres") ? " " + PostgresStorage.Description + "." : "")}");
        }

        s.AppendLine();
        s.AppendLine("| mode | storage | flows/s | requests/s | errors | server CPU µs/flow | server CPU use | PostgreSQL CPU µs/flow | client CPU µs/flow | server peak RSS | load before → after |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            var cpuUse = r.ServerCpuSeconds is { } cpu ? $"{cpu / r.Seconds * 100:0}%" : "n/a";
            var name = r.TargetRate is { } rate ? $"{r.Name} (target {rate:0}/s{(r.Dropped > 0 ? $", {r.Dropped} starts dropped" : "")})" : $"{r.Name} (C={r.Concurrency})";
            s.AppendLine(c, $"| {name} | {r.Storage} | {r.FlowsPerSecond:0} | {r.RequestsPerSecond:0} | {r.Errors} | {Fmt(r.ServerCpuPerFlowMicros, "0")} | {cpuUse} | {(r.Storage == "postgres" ? Fmt(r.DatabaseCpuPerFlowMicros, "0") : "–")} | {Fmt(r.ClientCpuPerFlowMicros, "0")} | {Fmt(r.ServerPeakRssMiB, "0")} MiB | {r.LoadBefore} → {r.LoadAfter} |");
        }

        s.AppendLine();
        s.AppendLine("Latency per step, ms (p50 / p95 / p99 / max):");
        s.AppendLine();
        s.AppendLine("| mode | storage | create | list pending | fetch | approve | backend fetch | whole flow |");
        s.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var cells = Enum.GetValues<Step>().Select(step => Cell(r.Latencies.For(step))).Append(Cell(r.Latencies.Flow()));
            s.AppendLine(c, $"| {r.Name} | {r.Storage} | {string.Join(" | ", cells)} |");
        }

        SideBySide(s, results);
        Startup(s, results);
        Statements(s, results);

        var errors = results.Where(r => r.Errors > 0).ToList();
        if (errors.Count > 0)
        {
            s.AppendLine();
            foreach (var r in errors)
            {
                var byStep = string.Join(", ", Enum.GetValues<Step>().Where(st => r.ErrorsByStep[(int)st] > 0).Select(st => $"{st} {r.ErrorsByStep[(int)st]}"));
                s.AppendLine(c, $"- **{r.Name} [{r.Storage}]: {r.Errors} errors** ({byStep})");
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

    private static string ServerCommand(BenchOptions options)
    {
        try
        {
            return ServerProcess.Describe(options);
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    /// <summary>With more than one storage: each mode's figures per storage in one row.</summary>
    private static void SideBySide(StringBuilder s, IReadOnlyList<RunResult> results)
    {
        var storages = results.Select(r => r.Storage).Where(st => st is not ("none" or "external")).Distinct().ToList();
        if (storages.Count < 2)
        {
            return;
        }

        var c = CultureInfo.InvariantCulture;
        s.AppendLine();
        s.AppendLine("Side by side: flows/s, server CPU µs/flow (+ PostgreSQL's), approve p99 ms, errors:");
        s.AppendLine();
        s.AppendLine(c, $"| mode | {string.Join(" | ", storages)} |");
        s.AppendLine(c, $"|---|{string.Concat(storages.Select(_ => "---:|"))}");
        foreach (var name in results.Where(r => storages.Contains(r.Storage)).Select(r => r.Name).Distinct())
        {
            var cells = storages.Select(st => results.FirstOrDefault(r => r.Name == name && r.Storage == st) is { } r
                ? string.Create(c, $"{r.FlowsPerSecond:0}, {Fmt(r.ServerCpuPerFlowMicros, "0")}{(r.DatabaseCpuPerFlowMicros is { } db ? $" + {db:0}" : "")} µs, {r.Latencies.For(Step.Approve).P99:0.0} ms, {r.Errors}")
                : "–");
            s.AppendLine(c, $"| {name} | {string.Join(" | ", cells)} |");
        }
    }

    private static void Startup(StringBuilder s, IReadOnlyList<RunResult> results)
    {
        var startups = results.Where(r => r.Timeline is not null).ToList();
        if (startups.Count == 0)
        {
            return;
        }

        var c = CultureInfo.InvariantCulture;
        var seconds = startups.Max(r => r.Timeline!.Seconds);
        s.AppendLine();
        s.AppendLine(c, $"Start-up: from starting `openverify serve` (migrated database, devices enrolled in an earlier run) to its first /healthz 200, then flows completed in each second of sdk-like load that began at that 200 (errors in brackets), the first {seconds} s together, and the steady state measured after a further warm-up:");
        s.AppendLine();
        s.AppendLine(c, $"| storage | first 200 after | server CPU until then | {string.Join(" | ", Enumerable.Range(1, seconds).Select(i => $"s{i}"))} | first {seconds} s flows/s | first {seconds} s server CPU µs/flow | steady flows/s | steady server CPU µs/flow |");
        s.AppendLine(c, $"|---|---:|---:|{string.Concat(Enumerable.Range(0, seconds + 4).Select(_ => "---:|"))}");
        foreach (var r in startups)
        {
            var t = r.Timeline!;
            var flows = Enumerable.Range(0, t.Seconds).Sum(t.FlowsIn);
            var perSecond = Enumerable.Range(0, seconds).Select(i => i >= t.Seconds ? "–" : t.ErrorsIn(i) > 0 ? $"{t.FlowsIn(i)} ({t.ErrorsIn(i)})" : t.FlowsIn(i).ToString(c));
            var firstCpu = r.ServerCpuFirstSeconds is { } cpu && flows > 0 ? (cpu * 1e6 / flows).ToString("0", c) : "n/a";
            s.AppendLine(c, $"| {r.Storage} | {r.HealthyAfter?.TotalMilliseconds:0} ms | {Fmt(r.ServerCpuAtHealthy * 1000, "0")} ms | {string.Join(" | ", perSecond)} | {flows / (double)t.Seconds:0} | {firstCpu} | {r.FlowsPerSecond:0} | {Fmt(r.ServerCpuPerFlowMicros, "0")} |");
        }
    }

    /// <summary>--count-statements: statements per completed flow, by kind, then the commonest statements.</summary>
    private static void Statements(StringBuilder s, IReadOnlyList<RunResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var r in results.Where(r => r.Statements is not null && r.Flows > 0))
        {
            var statements = r.Statements!;
            double PerFlow(long n) => n / (double)r.Flows;
            string Kind(string kind) => PerFlow(statements.Where(x => x.Kind == kind).Sum(x => x.Calls)).ToString("0.0", c);
            var commits = statements.Where(x => x.Kind == "transaction" && x.Query.TrimStart().StartsWith("COMMIT", StringComparison.OrdinalIgnoreCase)).Sum(x => x.Calls);
            s.AppendLine();
            s.AppendLine(c, $"Statements per flow, {r.Name} [{r.Storage}] (pg_stat_statements over the measured window, {r.Flows} flows; background work such as the outbox and sweeps included; the up to {r.Concurrency} flows in flight at the window's edges make the figures read up to {r.Concurrency * 100.0 / r.Flows:0.#} % high, so measure long windows): **{Kind("read")} reads, {Kind("write")} writes, {PerFlow(commits):0.0} commits** ({Kind("transaction")} transaction statements, {Kind("other")} other).");
            s.AppendLine();
            s.AppendLine("| calls/flow | rows/flow | kind | statement |");
            s.AppendLine("|---:|---:|---|---|");
            foreach (var x in statements.Where(x => PerFlow(x.Calls) >= 0.005).Take(30))
            {
                var text = string.Join(' ', x.Query.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).Replace("|", "\\|", StringComparison.Ordinal);
                s.AppendLine(c, $"| {PerFlow(x.Calls):0.00} | {PerFlow(x.Rows):0.00} | {x.Kind} | `{(text.Length > 160 ? text[..160] + "…" : text)}` |");
            }
        }
    }

    private static IEnumerable<(string Target, string Measured, bool Met)> Targets(IReadOnlyList<RunResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        var ceiling = results.FirstOrDefault(r => r.Kind == "ceiling");
        foreach (var storage in results.Select(r => r.Storage).Where(st => st != "none").Distinct())
        {
            var on = storage switch { "sqlite" => "on SQLite", "postgres" => "on PostgreSQL", _ => "" };
            var mine = results.Where(r => r.Storage == storage).ToList();
            var full = mine.FirstOrDefault(r => r.Kind == "full");
            var rate = mine.FirstOrDefault(r => r.Kind == "rate");
            var sdk = mine.FirstOrDefault(r => r.Kind == "sdk");
            var scale = mine.FirstOrDefault(r => r.Kind == "scale");
            if (sdk is not null)
            {
                yield return ($"sdk-like ≥ 1 500 flows/s with 0 errors {on}", $"{sdk.FlowsPerSecond:0} flows/s, {sdk.Errors} errors", sdk.FlowsPerSecond >= 1500 && sdk.Errors == 0);
            }

            if (full is not null)
            {
                yield return ($"full ≥ 3 000 flows/s {on}", full.FlowsPerSecond.ToString("0", c), full.FlowsPerSecond >= 3000);
            }

            if (full is not null && ceiling is not null && ceiling.FlowsPerSecond > 0)
            {
                var ratio = full.FlowsPerSecond / ceiling.FlowsPerSecond;
                yield return ($"full ≥ 60 % of the in-run ceiling {on}", $"{ratio * 100:0} % ({full.FlowsPerSecond:0} / {ceiling.FlowsPerSecond:0})", ratio >= 0.6);
            }

            foreach (var r in (RunResult?[])[sdk, full])
            {
                if (r?.ServerCpuPerFlowMicros is { } micros)
                {
                    yield return ($"server CPU ≤ 1 000 µs per flow, {r.Kind} {on}", $"{micros:0} µs", micros <= 1000);
                }
            }

            if (rate is not null)
            {
                var p99 = rate.Latencies.For(Step.Approve).P99;
                var reached = rate.FlowsPerSecond >= 0.95 * rate.TargetRate!.Value;
                yield return ($"approve p99 ≤ 20 ms at {rate.TargetRate:0} flows/s {on}", $"{p99:0.0} ms at {rate.FlowsPerSecond:0} flows/s", p99 <= 20 && reached);
            }

            if (full is not null && scale is not null && full.FlowsPerSecond > 0)
            {
                var ratio = scale.FlowsPerSecond / full.FlowsPerSecond;
                yield return ($"scale within 10 % of the empty database {on}", $"{ratio * 100:0} % ({scale.FlowsPerSecond:0} / {full.FlowsPerSecond:0})", ratio >= 0.9);
            }
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
