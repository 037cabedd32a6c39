using System.Diagnostics;
using System.Text;

namespace OpenVerify.TestKit.Server;

/// <summary>
/// The built <c>openverify.dll</c> and the <c>dotnet</c> host that runs it. TestKit does not reference
/// OpenVerify.Cli; a test project that runs the real process references it, so building the tests
/// copies <c>openverify.dll</c> (with its runtimeconfig and deps files) next to the test assembly
/// (<see cref="AppContext.BaseDirectory"/>). The CLI project's own output is the fallback.
/// </summary>
public static class OpenVerifyBinary
{
    /// <summary>How long a one-shot command may run before it is killed.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private static readonly Lazy<string> DllPath = new(LocateDll);
    private static readonly Lazy<string> HostPath = new(LocateHost);

    public static string Dll => DllPath.Value;

    public static string DotnetHost => HostPath.Value;

    /// <summary>
    /// A start description for <c>dotnet openverify.dll args…</c>: output and input redirected, and
    /// nothing from the developer's shell (<c>OPENVERIFY*</c>, <c>ASPNETCORE_*</c>, <c>Kestrel__*</c>,
    /// <c>urls</c>) leaking into the process under test; <paramref name="environment"/> is applied last.
    /// </summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in info.Environment.Keys.ToList())
        {
            if (name.StartsWith("OPENVERIFY", StringComparison.OrdinalIgnoreCase) || name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("Kestrel__", StringComparison.OrdinalIgnoreCase) || name.Equals("urls", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment.Remove(name);
            }
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        // Spectre.Console: no colour codes, and tables wide enough not to wrap SIDs.
        info.Environment["NO_COLOR"] = "1";
        info.Environment["COLUMNS"] = "500";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return info;
    }

    /// <summary>
    /// Starts <c>dotnet openverify.dll args…</c> (see <see cref="StartInfo"/>), every line of stdout and
    /// stderr appended to <paramref name="output"/> (lock it to read).
    /// </summary>
    public static Process Start(IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment, StringBuilder output)
    {
        var process = new Process { StartInfo = StartInfo(args, environment, workingDirectory), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Runs a one-shot command (e.g. <c>accounts create --json</c>) with stdin closed, bounded by
    /// <see cref="CommandTimeout"/> (then the process tree is killed and <see cref="TimeoutException"/> thrown).
    /// </summary>
    public static async Task<CommandResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var argList = args.ToList();
        var info = StartInfo(argList, environment);
        var command = "openverify " + string.Join(' ', argList);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start " + info.FileName);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{command}` did not finish within {CommandTimeout.TotalSeconds} s");
        }

        return new CommandResult(command, process.ExitCode, await stdout, await stderr);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string LocateDll()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "openverify.dll");
        if (File.Exists(beside) && File.Exists(Path.Combine(AppContext.BaseDirectory, "openverify.runtimeconfig.json")))
        {
            return beside;
        }

        // Fallback: the CLI project's own output for the same configuration and framework, found
        // from the repository root (the directory holding OpenVerify.slnx).
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = baseDir.Name;
        var configuration = baseDir.Parent?.Name ?? "Debug";
        for (var dir = baseDir; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenVerify.slnx")))
            {
                var candidate = Path.Combine(dir.FullName, "src", "OpenVerify.Cli", "bin", configuration, framework, "openverify.dll");
                if (File.Exists(candidate))
                {
                    return candidate;
                }

                break;
            }
        }

        throw new FileNotFoundException($"openverify.dll was found neither next to the tests ({AppContext.BaseDirectory}) nor in src/OpenVerify.Cli/bin; reference OpenVerify.Cli from the test project and build it first.");
    }

    private static string LocateHost()
    {
        // Under `dotnet test` the test host usually runs on the dotnet muxer itself.
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath))
        {
            return hostPath;
        }

        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root))
        {
            var candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return "dotnet";
    }
}
