namespace OpenVerify.TestKit.Postgres;

/// <summary>
/// Where the PostgreSQL server programs (initdb, pg_ctl, postgres) live on this machine.
/// </summary>
/// <remarks>
/// Search order: the <c>OPENVERIFY_PG_BINDIR</c> environment variable (used alone when set),
/// <c>pg_config --bindir</c>, the highest-numbered <c>/usr/lib/postgresql/N/bin</c>, then PATH.
/// A directory counts only if it holds all three programs.
/// </remarks>
public sealed class PostgresBinaries
{
    /// <summary>Environment variable that names the directory holding initdb, pg_ctl and postgres.</summary>
    public const string BinDirVariable = "OPENVERIFY_PG_BINDIR";

    private static readonly string[] Programs = ["initdb", "pg_ctl", "postgres"];
    private static readonly Lazy<PostgresBinaries> Located =
        new(() => Locate(Environment.GetEnvironmentVariable(BinDirVariable)), LazyThreadSafetyMode.ExecutionAndPublication);

    private PostgresBinaries(string binDir)
    {
        BinDir = binDir;
    }

    /// <summary>The directory holding the programs.</summary>
    public string BinDir { get; }

    /// <summary>Full path of initdb.</summary>
    public string InitDb => Path.Combine(BinDir, "initdb");

    /// <summary>Full path of pg_ctl.</summary>
    public string PgCtl => Path.Combine(BinDir, "pg_ctl");

    /// <summary>Full path of postgres.</summary>
    public string Postgres => Path.Combine(BinDir, "postgres");

    /// <summary>
    /// The binaries of this machine, found once per process.
    /// </summary>
    /// <exception cref="PostgresUnavailableException">No directory holds all of initdb, pg_ctl and postgres.</exception>
    public static PostgresBinaries Find() => Located.Value;

    /// <summary>Searches as described on the class, with <paramref name="fromVariable"/> as the value of <see cref="BinDirVariable"/>.</summary>
    internal static PostgresBinaries Locate(string? fromVariable)
    {
        var tried = new List<string>();
        if (!string.IsNullOrWhiteSpace(fromVariable))
        {
            if (HasAllPrograms(fromVariable))
            {
                return new PostgresBinaries(Path.GetFullPath(fromVariable));
            }

            throw new PostgresUnavailableException(
                $"{BinDirVariable} is set to '{fromVariable}', but that directory does not hold all of {string.Join(", ", Programs)}.");
        }

        foreach (var candidate in Candidates(tried))
        {
            if (HasAllPrograms(candidate))
            {
                return new PostgresBinaries(candidate);
            }
        }

        throw new PostgresUnavailableException(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found; looked in: "
            + (tried.Count == 0 ? "(nowhere)" : string.Join(", ", tried.Distinct()))
            + $". Install them (Debian: apt-get install -y postgresql-15) or set {BinDirVariable}.");
    }

    private static IEnumerable<string> Candidates(List<string> tried)
    {
        var pgConfig = FindOnPath("pg_config");
        if (pgConfig is not null)
        {
            var bindir = PgConfigBinDir(pgConfig);
            if (bindir is not null)
            {
                tried.Add(bindir + " (pg_config --bindir)");
                yield return bindir;
            }
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var versions = Directory.EnumerateDirectories(debianRoot)
                .Select(dir => (dir, version: ParseVersion(Path.GetFileName(dir))))
                .Where(x => x.version is not null)
                .OrderByDescending(x => x.version);
            foreach (var (dir, _) in versions)
            {
                var bin = Path.Combine(dir, "bin");
                tried.Add(bin);
                yield return bin;
            }
        }
        else
        {
            tried.Add(debianRoot + "/*/bin");
        }

        // On PATH: follow symlinks so that the three programs are taken from one real directory.
        var initdb = FindOnPath("initdb");
        if (initdb is not null)
        {
            var real = ResolveLinks(initdb);
            var dir = Path.GetDirectoryName(real);
            if (dir is not null)
            {
                tried.Add(dir + " (initdb on PATH)");
                yield return dir;
            }
        }
        else
        {
            tried.Add("PATH");
        }
    }

    private static Version? ParseVersion(string name)
    {
        if (int.TryParse(name, out var major))
        {
            return new Version(major, 0);
        }

        return Version.TryParse(name, out var v) ? v : null;
    }

    private static bool HasAllPrograms(string dir) =>
        Programs.All(p => File.Exists(Path.Combine(dir, p)));

    private static string ResolveLinks(string path)
    {
        try
        {
            var target = File.ResolveLinkTarget(path, returnFinalTarget: true);
            return target?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }

    internal static string? FindOnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string? PgConfigBinDir(string pgConfig)
    {
        try
        {
            var result = ProcessRunner.Run(pgConfig, ["--bindir"], workingDirectory: null, TimeSpan.FromSeconds(10));
            var dir = result.Output.Trim();
            return result.ExitCode == 0 && dir.Length > 0 ? dir : null;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return null;
        }
    }
}
