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
    Console.Error.WriteLine(e.Message);
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
bool Runs(string mode) => options.Mode == mode || options.Mode == "all";

void Log(string message) => Console.Error.WriteLine($"[{TimeProvider.System.GetLocalNow():HH:mm:ss}] {message} (load {ProcessStats.LoadAverage()})");

async Task<(VerifyApi Api, Device[] Devices)> SetUpAsync(string url)
{
    Log($"server at {url}");
    var api = new VerifyApi(url, accountSid, authToken);
    await api.CreateServiceAsync(token);
    var devices = Enumerable.Range(0, options.Devices).Select(Device.Create).ToArray();
    await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = token }, async (d, ct) => await api.EnrolAsync(d, ct));
    Log($"service {api.ServiceSid} with {devices.Length} verified device factors ready");
    return (api, devices);
}

async Task<RunResult> ClosedAsync(string name, string kind, VerifyApi api, Device[] devices, int? pid)
{
    Log($"{name}: {options.Concurrency} concurrent flows, {options.Warmup.TotalSeconds:0}s warm-up + {options.Duration.TotalSeconds:0}s");
    var result = await FlowDriver.ClosedLoopAsync(new RunResult { Name = name, Kind = kind }, api, devices, options.Concurrency, options.Warmup, options.Duration, pid, token);
    Log($"{name}: {result.FlowsPerSecond:0} flows/s, {result.Errors} errors");
    results.Add(result);
    return result;
}

async Task<RunResult> RateAsync(VerifyApi api, Device[] devices, int? pid)
{
    var name = $"rate {options.Rate:0}/s";
    Log($"{name}: open loop, {options.Warmup.TotalSeconds:0}s warm-up + {options.Duration.TotalSeconds:0}s");
    var result = await FlowDriver.OpenLoopAsync(new RunResult { Name = name, Kind = "rate" }, api, devices, options.Rate, options.Warmup, options.Duration, pid, token);
    Log($"{name}: {result.FlowsPerSecond:0} flows/s, approve p99 {result.Latencies.For(Step.Approve).P99:0.0} ms, {result.Errors} errors, {result.Dropped} dropped");
    results.Add(result);
    return result;
}

try
{
    if (options.Url is not null)
    {
        var (api, devices) = await SetUpAsync(options.Url);
        using (api)
        {
            if (Runs("full"))
            {
                await ClosedAsync("full", "full", api, devices, options.ServerPid);
            }

            if (Runs("rate"))
            {
                await RateAsync(api, devices, options.ServerPid);
            }
        }
    }
    else
    {
        Directory.CreateDirectory(data);
        if (Runs("ceiling"))
        {
            await using var ceiling = await ServerProcess.StartCeilingAsync(options, accountSid, authToken, token);
            Log($"ceiling pid {ceiling.Pid}");
            var (api, devices) = await SetUpAsync(ceiling.Url);
            using (api)
            {
                await ClosedAsync("ceiling (no storage)", "ceiling", api, devices, ceiling.Pid);
            }
        }

        if (Runs("full") || Runs("rate"))
        {
            var dir = Path.Combine(data, "empty");
            await using var server = await ServerProcess.StartOpenVerifyAsync(options, dir, accountSid, authToken, token);
            Log($"openverify serve pid {server.Pid}");
            var (api, devices) = await SetUpAsync(server.Url);
            using (api)
            {
                if (Runs("full"))
                {
                    await ClosedAsync("full, empty database", "full", api, devices, server.Pid);
                }

                if (Runs("rate"))
                {
                    await RateAsync(api, devices, server.Pid);
                }
            }
        }

        if (Runs("scale"))
        {
            var dir = Path.Combine(data, "scale");
            Device[] devices;
            string serviceSid;
            await using (var first = await ServerProcess.StartOpenVerifyAsync(options, dir, accountSid, authToken, token))
            {
                var (api, enrolled) = await SetUpAsync(first.Url);
                api.Dispose();
                devices = enrolled;
                serviceSid = api.ServiceSid;
            }

            Log($"seeding {options.ScaleChallenges} challenges over {options.ScaleEntities} entities");
            var took = Seeder.Seed(Path.Combine(dir, "openverify.db"), accountSid, serviceSid, devices[0].PublicKey, options.ScaleEntities, options.ScaleChallenges);
            var size = new FileInfo(Path.Combine(dir, "openverify.db")).Length / 1048576.0;
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"Scale mode: seeded {options.ScaleChallenges:N0} challenges, {options.ScaleEntities:N0} entities and as many factors into the benchmark's service in {took.TotalSeconds:0.0} s (one transaction, prepared inserts); database {size:0} MiB."));
            Log($"seeded in {took.TotalSeconds:0.0}s, {size:0} MiB");
            await using var server = await ServerProcess.StartOpenVerifyAsync(options, dir, accountSid, authToken, token);
            Log($"openverify serve pid {server.Pid}");
            using var scaleApi = new VerifyApi(server.Url, accountSid, authToken) { ServiceSid = serviceSid };
            await ClosedAsync($"full, {options.ScaleChallenges:N0} challenges", "scale", scaleApi, devices, server.Pid);
        }
    }
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("cancelled");
}
finally
{
    if (ownData && !options.KeepData && Directory.Exists(data))
    {
        Directory.Delete(data, recursive: true);
    }
}

var report = Report.Build(options, results, notes);
Console.WriteLine(report);
if (options.MarkdownPath is { } path)
{
    await File.WriteAllTextAsync(path, report, CancellationToken.None);
}

return results.Any(r => r.Errors > 0) ? 1 : 0;
