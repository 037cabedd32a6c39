using System.Diagnostics;
using System.Text;

namespace OpenVerify.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The built <c>openverify.dll</c> and the <c>dotnet</c> host that runs it. The test project references
/// OpenVerify.Cli, so <c>dotnet test</c> builds it and copies it (with its runtimeconfig and deps files)
/// next to the test assembly; the CLI project's own output is the fallback.
/// </summary>
internal static class OpenVerifyBinary
{
    private static readonly Lazy<string> DllPath = new(LocateDll);
    private static readonly Lazy<string> HostPath = new(LocateHost);

    public static string Dll => DllPath.Value;

    public static string DotnetHost => HostPath.Value;

    /// <summary>Starts <c>dotnet openverify.dll args…</c> with a clean environment and captured output.</summary>
    public static Process Start(IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment, StringBuilder output)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = workingDirectory,
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

        // Nothing from the developer's shell may configure the server under test.
        foreach (var name in info.Environment.Keys.ToList())
        {
            if (name.StartsWith("OPENVERIFY", StringComparison.OrdinalIgnoreCase) || name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || name.Equals("urls", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment.Remove(name);
            }
        }

        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        info.Environment["DOTNET_NOLOGO"] = "1";
        // Spectre.Console: no colour codes or wrapping in what the tests parse.
        info.Environment["NO_COLOR"] = "1";
        info.Environment["COLUMNS"] = "500";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs a one-shot CLI command (e.g. <c>accounts create --json</c>) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string StandardOutput, string Combined)> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in info.Environment.Keys.Where(n => n.StartsWith("OPENVERIFY", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["NO_COLOR"] = "1";
        info.Environment["COLUMNS"] = "500";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + DotnetHost);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"openverify {string.Join(' ', args)} did not finish within 60 s");
        }

        return (process.ExitCode, await stdout, await stdout + await stderr);
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

        // Fallback: the CLI project's own output for the same configuration and framework,
        // found from the repository root (the directory holding OpenVerify.slnx).
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory);
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

        throw new FileNotFoundException($"openverify.dll was not found next to the tests ({AppContext.BaseDirectory}) or in src/OpenVerify.Cli/bin; build the test project first.");
    }

    private static string LocateHost()
    {
        // Under `dotnet test` the test host itself usually runs on the dotnet muxer.
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
