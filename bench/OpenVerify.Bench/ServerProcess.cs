using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OpenVerify.Bench;

/// <summary>Where a started <c>openverify serve</c> keeps its data: a SQLite file in the directory, or a PostgreSQL database.</summary>
internal sealed record StorageTarget(string Kind, string DataDirectory, string? Connection);

/// <summary>A server child process (the real <c>openverify serve</c> or the ceiling) on a free loopback port.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;

    private ServerProcess(Process process, string url)
    {
        this.process = process;
        Url = url;
    }

    public string Url { get; }

    /// <summary>From starting the process to its first /healthz 200.</summary>
    public TimeSpan HealthyAfter { get; private set; }

    public int Pid => process.Id;

    /// <summary>
    /// Starts <c>openverify serve</c> with the bootstrap account from the environment. /healthz is polled
    /// every 100 ms, or every <paramref name="poll"/> (startup mode times the first 200).
    /// </summary>
    public static Task<ServerProcess> StartOpenVerifyAsync(BenchOptions options, StorageTarget storage, string accountSid, string authToken, CancellationToken cancellationToken,
        TimeSpan? poll = null)
    {
        var url = "http://127.0.0.1:" + FreePort();
        var (file, prefix) = OpenVerifyCommand(options);
        var start = new ProcessStartInfo(file);
        foreach (var a in prefix)
        {
            start.ArgumentList.Add(a);
        }

        string[] arguments = storage.Connection is { } connection
            ? ["serve", "--urls", url, "--data", storage.DataDirectory, "--storage", storage.Kind, "--connection", connection]
            : ["serve", "--urls", url, "--data", storage.DataDirectory];
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["OPENVERIFY_ACCOUNT_SID"] = accountSid;
        start.Environment["OPENVERIFY_AUTH_TOKEN"] = authToken;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in options.ServerEnvironment)
        {
            start.Environment[name] = value;
        }

        return StartAsync(start, url, options.ServerLogs, poll ?? TimeSpan.FromMilliseconds(100), cancellationToken);
    }

    /// <summary>Starts this program again as the ceiling server.</summary>
    public static Task<ServerProcess> StartCeilingAsync(BenchOptions options, string accountSid, string authToken, CancellationToken cancellationToken)
    {
        var url = "http://127.0.0.1:" + FreePort();
        var (file, prefix) = SelfCommand();
        var start = new ProcessStartInfo(file);
        foreach (var a in prefix)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var a in (string[])[CeilingServer.Verb, url, accountSid, authToken])
        {
            start.ArgumentList.Add(a);
        }

        return StartAsync(start, url, options.ServerLogs, TimeSpan.FromMilliseconds(100), cancellationToken);
    }

    private static async Task<ServerProcess> StartAsync(ProcessStartInfo start, string url, bool showLogs, TimeSpan poll, CancellationToken cancellationToken)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = !showLogs;
        start.RedirectStandardError = !showLogs;
        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        var tail = new Queue<string>();
        if (!showLogs)
        {
            // Drained (not left to fill the pipe) but kept short: the last lines explain a failed start.
            void Keep(string? line)
            {
                if (line is null)
                {
                    return;
                }

                lock (tail)
                {
                    tail.Enqueue(line);
                    if (tail.Count > 40)
                    {
                        tail.Dequeue();
                    }
                }
            }

            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        var server = new ServerProcess(process, url);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(120))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                break;
            }

            try
            {
                using var response = await http.GetAsync(url + "/healthz", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    server.HealthyAfter = Stopwatch.GetElapsedTime(started);
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(poll, cancellationToken);
        }

        await server.DisposeAsync();
        string log;
        lock (tail)
        {
            log = string.Join(Environment.NewLine, tail);
        }

        throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not answer /healthz:{Environment.NewLine}{log}");
    }

    /// <summary>Stops the server (SIGTERM first so SQLite checkpoints, then kill).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            try
            {
                using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                if (term is not null)
                {
                    await term.WaitForExitAsync();
                }
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>How started servers run, for the report (the repository-relative dll when it is the default).</summary>
    public static string Describe(BenchOptions options)
    {
        if (options.ServerCommand is { } command)
        {
            return command;
        }

        var (_, prefix) = OpenVerifyCommand(options);
        return "dotnet " + (RepositoryRoot() is { } root ? Path.GetRelativePath(root, prefix[0]) : prefix[0]);
    }

    private static (string File, string[] Prefix) OpenVerifyCommand(BenchOptions options)
    {
        if (options.ServerCommand is { } command)
        {
            var parts = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (parts[0], parts[1..]);
        }

        // The CLI is a (non-referenced) project reference, so it is built with this program's configuration.
        var root = RepositoryRoot() ?? throw new InvalidOperationException("Run from the repository (OpenVerify.slnx not found above the program), or pass --server-command");
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(root, "src", "OpenVerify.Cli", "bin", configuration, "net10.0", "openverify.dll");
        return File.Exists(dll)
            ? (DotnetHost(), [dll])
            : throw new InvalidOperationException($"{dll} is missing: build the solution in {configuration} first, or pass --server-command");
    }

    private static (string File, string[] Prefix) SelfCommand()
    {
        var self = typeof(ServerProcess).Assembly.Location;
        return (DotnetHost(), [self]);
    }

    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenVerify.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
