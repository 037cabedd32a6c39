using System.Diagnostics;

namespace OpenVerify.Client.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The built <c>openverify.dll</c> and the <c>dotnet</c> host that runs it. The test project references
/// OpenVerify.Cli, so building the tests builds it and copies it (with its runtimeconfig and deps
/// files) next to the test assembly; the CLI project's own output is the fallback.
/// </summary>
internal static class OpenVerifyBinary
{
    private static readonly Lazy<string> DllPath = new(LocateDll);
    private static readonly Lazy<string> HostPath = new(LocateHost);

    public static string Dll => DllPath.Value;

    public static string DotnetHost => HostPath.Value;

    /// <summary>
    /// A start description for <c>dotnet openverify.dll args…</c>: output redirected, and nothing from
    /// the developer's shell (OPENVERIFY_*, ASPNETCORE_*, urls) leaking into the process under test.
    /// </summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = Path.GetTempPath(),
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
        info.Environment["COLUMNS"] = "400";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return info;
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

        throw new FileNotFoundException($"openverify.dll was found neither next to the tests ({AppContext.BaseDirectory}) nor in src/OpenVerify.Cli/bin; build the test project first.");
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
