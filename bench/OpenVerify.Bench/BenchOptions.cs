using System.Globalization;

namespace OpenVerify.Bench;

/// <summary>Command-line options; every one has a default so a bare run does the whole suite.</summary>
internal sealed class BenchOptions
{
    public string Mode { get; private set; } = "all";
    public string? Url { get; private set; }
    public int? ServerPid { get; private set; }
    public string? AccountSid { get; private set; }
    public string? AuthToken { get; private set; }
    /// <summary>--devices when given; otherwise each mode's default (<see cref="DevicesFor"/>).</summary>
    public int? Devices { get; private set; }

    /// <summary>--concurrency when given; otherwise each mode's default (<see cref="ConcurrencyFor"/>).</summary>
    public int? Concurrency { get; private set; }
    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(15);
    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(5);
    public double Rate { get; private set; } = 500;
    public int ScaleChallenges { get; private set; } = 1_000_000;
    public int ScaleEntities { get; private set; } = 100_000;
    public string? DataDirectory { get; private set; }
    public string? ServerCommand { get; private set; }
    public string? MarkdownPath { get; private set; }
    public bool KeepData { get; private set; }

    /// <summary>The storages started servers run on, in order (--storage sqlite,postgres runs every mode on each).</summary>
    public IReadOnlyList<string> Storages { get; private set; } = ["sqlite"];

    /// <summary>Startup mode: how many seconds after the first /healthz 200 are reported second by second.</summary>
    public int StartupSeconds { get; private set; } = 10;

    /// <summary>Count the SQL statements per flow on PostgreSQL (pg_stat_statements).</summary>
    public bool CountStatements { get; private set; }
    public bool ServerLogs { get; private set; }
    public bool Help { get; private set; }
    public List<KeyValuePair<string, string>> ServerEnvironment { get; } = [];

    public const string Usage = """
        OpenVerify.Bench: verification flows per second against an in-run ceiling.

        Usage: dotnet run -c Release --project bench/OpenVerify.Bench -- [options]

        Modes (--mode, default all; several with commas, e.g. full,sdk):
          all        ceiling, full (empty database), rate, sdk, scale, in that order
          full       closed loop: --concurrency flows at once for --duration against `openverify serve`
          ceiling    the same flows against a bare Kestrel endpoint set (same ES256 checks, no storage)
          rate       open loop at --rate flows/s against `openverify serve` (approve p99 target)
          sdk        closed loop as the mobile SDKs load a server: 50 Android devices with FCM tokens
                     on a service without push credentials, a fresh device JWT on every device
                     request, 32 flows at once (--devices, --concurrency override)
          scale      full mode after seeding --scale-challenges challenges and --scale-entities entities
                     (SQLite only)
          live       the live channel (issue 16): --devices (default 5000) idle event streams; the
                     server's memory per open stream and CPU while they idle (--duration), then
                     challenges at 200/s for --duration and the delay from create to event (not part of all)
          startup    restarts `openverify serve` and runs sdk load as soon as /healthz answers:
                     time to the first 200, flows/s per second for --startup-seconds, then
                     --warmup and a steady-state window of --duration (not part of all)

        A flow: backend creates a challenge -> device lists pending -> device fetches it ->
        device approves (signed AuthPayload) -> backend fetches the approved challenge.

        Options:
          --url URL               drive an already running server instead of starting one
                                  (needs --account-sid and --auth-token; modes full, rate, sdk)
          --server-pid PID        with --url: read that process's CPU time and peak RSS
          --account-sid SID       account of the server (default: a fresh one per started server)
          --auth-token TOKEN      its auth token
          --devices N             enrolled device factors (default 256; sdk and startup 50)
          --concurrency C         concurrent flows in closed-loop modes (default 64; sdk and startup 32)
          --duration SECONDS      measured time per mode (default 15)
          --warmup SECONDS        unmeasured time before each mode (default 5)
          --rate R                flows/s in rate mode (default 500)
          --scale-challenges N    challenges seeded for scale mode (default 1000000)
          --scale-entities N      entities (each with one factor) seeded for scale mode (default 100000)
          --storage LIST          storage of started servers: sqlite (default), postgres, or
                                  sqlite,postgres to run the modes on each, side by side; postgres
                                  runs on a throwaway cluster (initdb + pg_ctl) the bench starts
          --count-statements      PostgreSQL: count the SQL statements per flow (pg_stat_statements;
                                  costs the server a little, so figures are not for speed)
          --startup-seconds N     startup mode: seconds reported one by one (default 10)
          --data DIR              data directory for started servers (default: a temporary directory)
          --server-command CMD    how to start the server, e.g. "dotnet path/openverify.dll" or a
                                  published build's "path/openverify" (default: the openverify.dll
                                  built next to this program)
          --server-logs           let the started server log to this console (default: discarded)
          --server-env NAME=VALUE extra environment for started servers (repeatable), for experiments
                                  such as Logging__LogLevel__Default=Warning
          --markdown FILE         also write the report as Markdown
          --keep-data             keep the data directory afterwards
          -h, --help              this text
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "-h" or "--help": o.Help = true; break;
                case "--mode": o.Mode = Next(); break;
                case "--url": o.Url = Next().TrimEnd('/'); break;
                case "--server-pid": o.ServerPid = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--account-sid": o.AccountSid = Next(); break;
                case "--auth-token": o.AuthToken = Next(); break;
                case "--devices": o.Devices = Positive(Next(), name); break;
                case "--concurrency": o.Concurrency = Positive(Next(), name); break;
                case "--duration": o.Duration = Seconds(Next(), name); break;
                case "--warmup": o.Warmup = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--rate": o.Rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--scale-challenges": o.ScaleChallenges = Positive(Next(), name); break;
                case "--scale-entities": o.ScaleEntities = Positive(Next(), name); break;
                case "--data": o.DataDirectory = Next(); break;
                case "--server-command": o.ServerCommand = Next(); break;
                case "--server-logs": o.ServerLogs = true; break;
                case "--server-env":
                    var pair = Next();
                    var eq = pair.IndexOf('=');
                    o.ServerEnvironment.Add(eq > 0 ? new(pair[..eq], pair[(eq + 1)..]) : throw new ArgumentException("--server-env needs NAME=VALUE"));
                    break;
                case "--markdown": o.MarkdownPath = Next(); break;
                case "--keep-data": o.KeepData = true; break;
                case "--storage": o.Storages = List(Next(), name, "sqlite", "postgres"); break;
                case "--count-statements": o.CountStatements = true; break;
                case "--startup-seconds": o.StartupSeconds = Positive(Next(), name); break;
                default: throw new ArgumentException($"Unknown option {name} (see --help)");
            }
        }

        o.Modes = List(o.Mode, "--mode", "all", "full", "ceiling", "rate", "sdk", "scale", "startup", "live");

        if (o.Url is not null && (o.AccountSid is null || o.AuthToken is null))
        {
            throw new ArgumentException("--url needs --account-sid and --auth-token");
        }

        if (o.Url is not null && o.Modes.Any(m => m is not ("full" or "rate" or "sdk")))
        {
            throw new ArgumentException("--url works with the modes full, rate and sdk");
        }

        return o;
    }

    /// <summary>The modes given with --mode (all of them for all).</summary>
    public IReadOnlyList<string> Modes { get; private set; } = ["all"];

    public bool Runs(string mode) => Modes.Contains(mode) || (Modes.Contains("all") && mode is not ("startup" or "live"));

    /// <summary>Note: the sdk-like modes default to the independent generator of issue 11 (50 devices, 32 flows at once).</summary>
    public int DevicesFor(string mode) => Devices ?? (mode switch { "sdk" or "startup" => 50, "live" => LiveBench.DefaultStreams, _ => 256 });

    public int ConcurrencyFor(string mode) => Concurrency ?? (mode is "sdk" or "startup" ? 32 : 64);

    private static string[] List(string value, string name, params string[] allowed)
    {
        var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
        var unknown = items.FirstOrDefault(i => !allowed.Contains(i));
        return items.Length == 0 || unknown is not null
            ? throw new ArgumentException($"{name}: unknown value {unknown ?? value} (one or more of {string.Join(", ", allowed)})")
            : items;
    }

    private static int Positive(string value, string name)
    {
        var n = int.Parse(value, CultureInfo.InvariantCulture);
        return n > 0 ? n : throw new ArgumentException($"{name} must be positive");
    }

    private static TimeSpan Seconds(string value, string name)
    {
        var s = double.Parse(value, CultureInfo.InvariantCulture);
        return s > 0 ? TimeSpan.FromSeconds(s) : throw new ArgumentException($"{name} must be positive");
    }
}
