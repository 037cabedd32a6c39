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
    public int Devices { get; private set; } = 256;
    public int Concurrency { get; private set; } = 64;
    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(15);
    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(5);
    public double Rate { get; private set; } = 1000;
    public int ScaleChallenges { get; private set; } = 1_000_000;
    public int ScaleEntities { get; private set; } = 100_000;
    public string? DataDirectory { get; private set; }
    public string? ServerCommand { get; private set; }
    public string? MarkdownPath { get; private set; }
    public bool KeepData { get; private set; }
    public bool ServerLogs { get; private set; }
    public bool Help { get; private set; }
    public List<KeyValuePair<string, string>> ServerEnvironment { get; } = [];

    public const string Usage = """
        OpenVerify.Bench: verification flows per second against an in-run ceiling.

        Usage: dotnet run -c Release --project bench/OpenVerify.Bench -- [options]

        Modes (--mode, default all):
          all        ceiling, full (empty database), rate, scale, in that order
          full       closed loop: --concurrency flows at once for --duration against `openverify serve`
          ceiling    the same flows against a bare Kestrel endpoint set (same ES256 checks, no storage)
          rate       open loop at --rate flows/s against `openverify serve` (approve p99 target)
          scale      full mode after seeding --scale-challenges challenges and --scale-entities entities

        A flow: backend creates a challenge -> device lists pending -> device fetches it ->
        device approves (signed AuthPayload) -> backend fetches the approved challenge.

        Options:
          --url URL               drive an already running server instead of starting one
                                  (needs --account-sid and --auth-token; modes full and rate only)
          --server-pid PID        with --url: read that process's CPU time and peak RSS
          --account-sid SID       account of the server (default: a fresh one per started server)
          --auth-token TOKEN      its auth token
          --devices N             enrolled device factors (default 256)
          --concurrency C         concurrent flows in closed-loop modes (default 64)
          --duration SECONDS      measured time per mode (default 15)
          --warmup SECONDS        unmeasured time before each mode (default 5)
          --rate R                flows/s in rate mode (default 1000)
          --scale-challenges N    challenges seeded for scale mode (default 1000000)
          --scale-entities N      entities (each with one factor) seeded for scale mode (default 100000)
          --data DIR              data directory for started servers (default: a temporary directory)
          --server-command CMD    how to start the server, e.g. "dotnet path/openverify.dll"
                                  (default: the openverify.dll built next to this program)
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
                default: throw new ArgumentException($"Unknown option {name} (see --help)");
            }
        }

        if (o.Mode is not ("all" or "full" or "ceiling" or "rate" or "scale"))
        {
            throw new ArgumentException($"Unknown mode {o.Mode}");
        }

        if (o.Url is not null && (o.AccountSid is null || o.AuthToken is null))
        {
            throw new ArgumentException("--url needs --account-sid and --auth-token");
        }

        if (o.Url is not null && o.Mode is not ("full" or "rate"))
        {
            throw new ArgumentException("--url works with --mode full or --mode rate");
        }

        return o;
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
