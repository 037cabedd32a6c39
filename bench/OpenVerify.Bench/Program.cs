using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using OpenVerify.Bench;
using OpenVerify.Protocol.Sids;

if (args.Length == 4 && args[0] == CeilingServer.Verb)
{
    return await CeilingServer.RunAsync(args[1], args[2], args[3]);
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var results = new List<RunResult>();
var notes = new List<string>();
var accountSid = options.AccountSid ?? Sid.New(SidPrefix.Account);
var authToken = options.AuthToken ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
var ownData = options.DataDirectory is null;
var data = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "openverify-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
var token = cancel.Token;
PostgresStorage? postgres = null;
var failed = false;

void Log(string message) => Console.Error.WriteLine($"[{TimeProvider.System.GetLocalNow():HH:mm:ss}] {message} (load {ProcessStats.LoadAverage()})");

// Modes sdk and startup load like the SDKs: Android devices with FCM tokens, a fresh device JWT per request.
DeviceFlavour FlavourOf(string mode) => mode is "sdk" or "startup" ? DeviceFlavour.Android : DeviceFlavour.Bench;

async Task<(VerifyApi Api, Device[] Devices)> SetUpAsync(string url, string mode)
{
    Log($"server at {url}");
    var api = new VerifyApi(url, accountSid, authToken);
    await api.CreateServiceAsync(token);
    var flavour = FlavourOf(mode);
    var devices = Enumerable.Range(0, options.DevicesFor(mode)).Select(i => Device.Create(i, flavour)).ToArray();
    await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = token }, async (d, ct) => await api.EnrolAsync(d, ct));
    Log($"service {api.ServiceSid} with {devices.Length} verified {flavour} device factors ready");
    return (api, devices);
}

// A fresh SQLite directory, or a fresh database on the run's PostgreSQL cluster (started on first use).
async Task<(StorageTarget Target, IWindowProbe? Probe)> StorageAsync(string kind, string purpose)
{
    var dir = Path.Combine(data, kind + "-" + purpose);
    if (kind != "postgres")
    {
        return (new StorageTarget(kind, dir, null), null);
    }

    if (postgres is null)
    {
        postgres = await PostgresStorage.StartAsync(options.CountStatements, token);
        Log($"{postgres} started{(options.CountStatements ? " with pg_stat_statements" : "")}");
    }

    var connection = await postgres.CreateDatabaseAsync(purpose, token);
    return (new StorageTarget(kind, dir, connection), postgres.ProbeFor(connection));
}

Task<ServerProcess> StartAsync(StorageTarget target, TimeSpan? poll = null) =>
    ServerProcess.StartOpenVerifyAsync(options, target, accountSid, authToken, token, poll);

async Task<RunResult> ClosedAsync(RunResult result, string mode, VerifyApi api, Device[] devices, int? pid, IWindowProbe? probe, TimeSpan? warmup = null)
{
    var concurrency = options.ConcurrencyFor(mode);
    var wait = warmup ?? options.Warmup;
    Log($"{result.Name} [{result.Storage}]: {concurrency} concurrent flows, {wait.TotalSeconds:0}s warm-up + {options.Duration.TotalSeconds:0}s");
    await FlowDriver.ClosedLoopAsync(result, api, devices, concurrency, wait, options.Duration, pid, probe, token);
    Log($"{result.Name} [{result.Storage}]: {result.FlowsPerSecond:0} flows/s, {result.Errors} errors");
    results.Add(result);
    return result;
}

async Task<RunResult> RateAsync(string storage, VerifyApi api, Device[] devices, int? pid, IWindowProbe? probe)
{
    var name = $"rate {options.Rate:0}/s";
    Log($"{name} [{storage}]: open loop, {options.Warmup.TotalSeconds:0}s warm-up + {options.Duration.TotalSeconds:0}s");
    var result = await FlowDriver.OpenLoopAsync(new RunResult { Name = name, Kind = "rate", Storage = storage }, api, devices, options.Rate, options.Warmup, options.Duration, pid, probe, token);
    Log($"{name} [{storage}]: {result.FlowsPerSecond:0} flows/s, approve p99 {result.Latencies.For(Step.Approve).P99:0.0} ms, {result.Errors} errors, {result.Dropped} dropped");
    results.Add(result);
    return result;
}

const string SdkName = "sdk-like (FCM tokens, fresh JWTs)";

async Task FullAndRateAsync(string kind)
{
    var (target, probe) = await StorageAsync(kind, "empty");
    await using var server = await StartAsync(target);
    Log($"openverify serve pid {server.Pid} on {kind}");
    var (api, devices) = await SetUpAsync(server.Url, "full");
    using (api)
    {
        if (options.Runs("full"))
        {
            await ClosedAsync(new RunResult { Name = "full, empty database", Kind = "full", Storage = kind }, "full", api, devices, server.Pid, probe);
        }

        if (options.Runs("rate"))
        {
            await RateAsync(kind, api, devices, server.Pid, probe);
        }
    }
}

// Its own server and database, so the figure does not depend on what full and rate left behind.
async Task SdkAsync(string kind)
{
    var (target, probe) = await StorageAsync(kind, "sdk");
    await using var server = await StartAsync(target);
    Log($"openverify serve pid {server.Pid} on {kind}");
    var (api, devices) = await SetUpAsync(server.Url, "sdk");
    using (api)
    {
        await ClosedAsync(new RunResult { Name = SdkName, Kind = "sdk", Storage = kind }, "sdk", api, devices, server.Pid, probe);
    }
}

async Task ScaleAsync()
{
    var (target, _) = await StorageAsync("sqlite", "scale");
    Device[] devices;
    string serviceSid;
    await using (var first = await StartAsync(target))
    {
        var (api, enrolled) = await SetUpAsync(first.Url, "scale");
        api.Dispose();
        devices = enrolled;
        serviceSid = api.ServiceSid;
    }

    var file = Path.Combine(target.DataDirectory, "openverify.db");
    Log($"seeding {options.ScaleChallenges} challenges over {options.ScaleEntities} entities");
    var took = Seeder.Seed(file, accountSid, serviceSid, devices[0].PublicKey, options.ScaleEntities, options.ScaleChallenges);
    var size = new FileInfo(file).Length / 1048576.0;
    notes.Add(string.Create(CultureInfo.InvariantCulture, $"Scale mode: seeded {options.ScaleChallenges:N0} challenges, {options.ScaleEntities:N0} entities and as many factors into the benchmark's service in {took.TotalSeconds:0.0} s (one transaction, prepared inserts); database {size:0} MiB."));
    Log($"seeded in {took.TotalSeconds:0.0}s, {size:0} MiB");
    await using var server = await StartAsync(target);
    Log($"openverify serve pid {server.Pid}");
    using var scaleApi = new VerifyApi(server.Url, accountSid, authToken) { ServiceSid = serviceSid };
    await ClosedAsync(new RunResult { Name = $"full, {options.ScaleChallenges:N0} challenges", Kind = "scale", Storage = "sqlite" }, "scale", scaleApi, devices, server.Pid, null);
}

// The server is started once to migrate and enrol, stopped, and started again: that second start is
// timed, and the load begins the moment /healthz first answers, so the JIT's and tiering's cost shows
// in the first seconds.
async Task StartupAsync(string kind)
{
    var (target, probe) = await StorageAsync(kind, "startup");
    Device[] devices;
    string serviceSid;
    await using (var first = await StartAsync(target))
    {
        var (api, enrolled) = await SetUpAsync(first.Url, "startup");
        api.Dispose();
        devices = enrolled;
        serviceSid = api.ServiceSid;
    }

    await using var server = await StartAsync(target, poll: TimeSpan.FromMilliseconds(5));
    var origin = Stopwatch.GetTimestamp();
    var result = new RunResult
    {
        Name = "startup, then steady state", Kind = "startup", Storage = kind, HealthyAfter = server.HealthyAfter,
        Timeline = new Timeline(origin, options.StartupSeconds), ServerCpuAtHealthy = ProcessStats.CpuSeconds(server.Pid),
    };
    Log($"openverify serve pid {server.Pid} on {kind} answered /healthz after {server.HealthyAfter.TotalMilliseconds:0} ms");
    var window = TimeSpan.FromSeconds(options.StartupSeconds);
    var firstSeconds = Task.Run(async () =>
    {
        await Task.Delay(window, token);
        result.ServerCpuFirstSeconds = ProcessStats.CpuSeconds(server.Pid) - result.ServerCpuAtHealthy;
    }, token);
    using var loadApi = new VerifyApi(server.Url, accountSid, authToken) { ServiceSid = serviceSid };
    await ClosedAsync(result, "startup", loadApi, devices, server.Pid, probe, window + options.Warmup);
    await firstSeconds;
}

try
{
    if (options.Url is not null)
    {
        if (options.Runs("full") || options.Runs("rate"))
        {
            var (api, devices) = await SetUpAsync(options.Url, "full");
            using (api)
            {
                if (options.Runs("full"))
                {
                    await ClosedAsync(new RunResult { Name = "full", Kind = "full", Storage = "external" }, "full", api, devices, options.ServerPid, null);
                }

                if (options.Runs("rate"))
                {
                    await RateAsync("external", api, devices, options.ServerPid, null);
                }
            }
        }

        if (options.Runs("sdk"))
        {
            var (api, devices) = await SetUpAsync(options.Url, "sdk");
            using (api)
            {
                await ClosedAsync(new RunResult { Name = SdkName, Kind = "sdk", Storage = "external" }, "sdk", api, devices, options.ServerPid, null);
            }
        }
    }
    else
    {
        Directory.CreateDirectory(data);
        if (options.Runs("ceiling"))
        {
            await using var ceiling = await ServerProcess.StartCeilingAsync(options, accountSid, authToken, token);
            Log($"ceiling pid {ceiling.Pid}");
            var (api, devices) = await SetUpAsync(ceiling.Url, "ceiling");
            using (api)
            {
                await ClosedAsync(new RunResult { Name = "ceiling (no storage)", Kind = "ceiling", Storage = "none" }, "ceiling", api, devices, ceiling.Pid, null);
            }
        }

        foreach (var kind in options.Storages)
        {
            if (options.Runs("full") || options.Runs("rate"))
            {
                await FullAndRateAsync(kind);
            }

            if (options.Runs("sdk"))
            {
                await SdkAsync(kind);
            }

            if (options.Runs("scale"))
            {
                if (kind == "sqlite")
                {
                    await ScaleAsync();
                }
                else
                {
                    notes.Add($"Scale mode ran on SQLite only (its seeder writes the SQLite file); skipped on {kind}.");
                }
            }

            if (options.Runs("startup"))
            {
                await StartupAsync(kind);
            }

            if (options.Runs("live"))
            {
                var (target, _) = await StorageAsync(kind, "live");
                await using var server = await StartAsync(target);
                Log($"openverify serve pid {server.Pid} on {kind}");
                var (api, devices) = await SetUpAsync(server.Url, "live");
                using (api)
                {
                    notes.Add(await LiveBench.RunAsync(kind, api, devices, server.Pid, options.Duration, Log, token));
                }
            }
        }
    }
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("cancelled");
}
catch (Exception e) when (e is OpenVerify.TestKit.Postgres.PostgresUnavailableException or Npgsql.NpgsqlException)
{
    await Console.Error.WriteLineAsync("PostgreSQL: " + e.Message);
    notes.Add("Stopped early: PostgreSQL failed: " + e.Message);
    failed = true;
}
finally
{
    if (postgres is not null)
    {
        await postgres.DisposeAsync();
    }

    if (ownData && !options.KeepData && Directory.Exists(data))
    {
        Directory.Delete(data, recursive: true);
    }
}

if (options.CountStatements && !options.Storages.Contains("postgres"))
{
    notes.Add("--count-statements counts on PostgreSQL only (pg_stat_statements); add --storage postgres.");
}

var report = Report.Build(options, results, notes);
Console.WriteLine(report);
if (options.MarkdownPath is { } path)
{
    await File.WriteAllTextAsync(path, report, CancellationToken.None);
}

return failed || results.Any(r => r.Errors > 0) ? 1 : 0;
