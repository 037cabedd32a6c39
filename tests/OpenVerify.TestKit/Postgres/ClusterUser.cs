using System.Globalization;

namespace OpenVerify.TestKit.Postgres;

/// <summary>
/// The operating-system user the cluster runs as, and how to run a program as that user.
/// </summary>
/// <remarks>
/// initdb, pg_ctl and postgres refuse to run as root. When this process is not root the
/// programs run directly as the current user. When it is root (as in CI) they run as
/// <c>OPENVERIFY_PG_OS_USER</c> if set, otherwise <c>nobody</c>, otherwise a system user
/// <c>openverify-pg</c> created on first use; the switch is made with setpriv, runuser or su,
/// whichever the machine has, in that order (<c>OPENVERIFY_PG_SWITCH_USER_WITH</c> picks one).
/// </remarks>
internal sealed class ClusterUser
{
    public const string UserVariable = "OPENVERIFY_PG_OS_USER";
    public const string SwitchVariable = "OPENVERIFY_PG_SWITCH_USER_WITH";
    private const string DedicatedUser = "openverify-pg";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private static readonly Lazy<ClusterUser> ForProcess = new(Choose, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Switcher switcher;

    private ClusterUser(string? name, int uid, int gid, Switcher switcher)
    {
        Name = name;
        Uid = uid;
        Gid = gid;
        this.switcher = switcher;
    }

    private enum Switcher
    {
        None,
        Setpriv,
        Runuser,
        Su,
    }

    /// <summary>The user name, or null when the programs run as the current user.</summary>
    public string? Name { get; }

    public int Uid { get; }

    public int Gid { get; }

    /// <summary>True when programs run as another user than this process.</summary>
    public bool IsSwitched => switcher != Switcher.None;

    public static ClusterUser Current() => ForProcess.Value;

    /// <summary>The command line that runs <paramref name="program"/> as this user.</summary>
    public (string File, IReadOnlyList<string> Arguments) Wrap(string program, IReadOnlyList<string> arguments)
    {
        switch (switcher)
        {
            case Switcher.None:
                return (program, arguments);
            case Switcher.Setpriv:
                return (Find("setpriv")!,
                    [
                        "--reuid=" + Uid.ToString(CultureInfo.InvariantCulture),
                        "--regid=" + Gid.ToString(CultureInfo.InvariantCulture),
                        "--clear-groups",
                        "--",
                        program,
                        .. arguments,
                    ]);
            case Switcher.Runuser:
                return (Find("runuser")!, ["-u", Name!, "--", program, .. arguments]);
            default:
                var command = string.Join(' ', new[] { program }.Concat(arguments).Select(ShellQuote));
                return (Find("su")!, ["-s", "/bin/sh", Name!, "-c", "exec " + command]);
        }
    }

    /// <summary>Gives <paramref name="path"/> to this user (a no-op when not switched).</summary>
    public void TakeOwnership(string path)
    {
        if (!IsSwitched)
        {
            return;
        }

        var owner = $"{Uid.ToString(CultureInfo.InvariantCulture)}:{Gid.ToString(CultureInfo.InvariantCulture)}";
        var result = ProcessRunner.Run("chown", [owner, path], workingDirectory: null, CommandTimeout);
        if (result.ExitCode != 0)
        {
            throw new PostgresUnavailableException($"Could not give '{path}' to user {Name} ({owner}): {result.Output}");
        }
    }

    private static ClusterUser Choose()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            throw new PostgresUnavailableException("The throwaway PostgreSQL cluster supports Unix-like systems only.");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return new ClusterUser(null, -1, -1, Switcher.None);
        }

        var requested = Environment.GetEnvironmentVariable(UserVariable);
        string name;
        if (!string.IsNullOrWhiteSpace(requested))
        {
            name = requested.Trim();
        }
        else if (LookUp("nobody") is not null)
        {
            name = "nobody";
        }
        else
        {
            name = DedicatedUser;
            if (LookUp(name) is null)
            {
                CreateSystemUser(name);
            }
        }

        var ids = LookUp(name)
            ?? throw new PostgresUnavailableException($"Running as root, but user '{name}' (to run PostgreSQL as) does not exist.");
        if (ids.Uid == 0)
        {
            throw new PostgresUnavailableException($"User '{name}' is root; PostgreSQL refuses to run as root. Set {UserVariable} to a non-root user.");
        }

        var forced = Environment.GetEnvironmentVariable(SwitchVariable);
        Switcher switcher;
        if (!string.IsNullOrWhiteSpace(forced))
        {
            if (!Enum.TryParse(forced.Trim(), ignoreCase: true, out switcher) || switcher == Switcher.None)
            {
                throw new PostgresUnavailableException($"{SwitchVariable} must be setpriv, runuser or su, not '{forced}'.");
            }

            if (Find(switcher.ToString().ToLowerInvariant()) is null)
            {
                throw new PostgresUnavailableException($"{SwitchVariable} asks for {forced}, which is not installed.");
            }
        }
        else if (Find("setpriv") is not null)
        {
            switcher = Switcher.Setpriv;
        }
        else if (Find("runuser") is not null)
        {
            switcher = Switcher.Runuser;
        }
        else if (Find("su") is not null)
        {
            switcher = Switcher.Su;
        }
        else
        {
            throw new PostgresUnavailableException(
                "Running as root, and none of setpriv, runuser or su was found to run PostgreSQL as a non-root user.");
        }

        return new ClusterUser(name, ids.Uid, ids.Gid, switcher);
    }

    private static (int Uid, int Gid)? LookUp(string name)
    {
        var uid = IdOf(name, "-u");
        var gid = uid is null ? null : IdOf(name, "-g");
        return uid is null || gid is null ? null : (uid.Value, gid.Value);
    }

    private static int? IdOf(string name, string flag)
    {
        var result = ProcessRunner.Run("id", [flag, name], workingDirectory: null, CommandTimeout);
        return result.ExitCode == 0 && int.TryParse(result.Output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }

    private static void CreateSystemUser(string name)
    {
        var shell = File.Exists("/usr/sbin/nologin") ? "/usr/sbin/nologin" : "/bin/false";
        ProcessResult result;
        if (Find("useradd") is { } useradd)
        {
            result = ProcessRunner.Run(useradd, ["--system", "--no-create-home", "--user-group", "--shell", shell, name], null, CommandTimeout);
        }
        else if (Find("adduser") is { } adduser)
        {
            result = ProcessRunner.Run(adduser, ["-S", "-D", "-H", name], null, CommandTimeout);
        }
        else
        {
            throw new PostgresUnavailableException($"Running as root without a 'nobody' user, and neither useradd nor adduser exists to create '{name}'.");
        }

        // Another process may have created it at the same moment: accept that.
        if (result.ExitCode != 0 && LookUp(name) is null)
        {
            throw new PostgresUnavailableException($"Could not create system user '{name}' to run PostgreSQL as: {result.Output}");
        }
    }

    private static string? Find(string program)
    {
        var onPath = PostgresBinaries.FindOnPath(program);
        if (onPath is not null)
        {
            return onPath;
        }

        // root's PATH may lack the sbin directories.
        foreach (var dir in new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" })
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
