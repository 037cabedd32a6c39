using System.Globalization;

namespace OpenVerify.Bench;

/// <summary>
/// CPU time and peak RSS of a process from /proc (Linux): <c>/proc/PID/stat</c> utime+stime and
/// <c>/proc/PID/status</c> VmHWM. Elsewhere the figures read as unknown.
/// </summary>
internal static class ProcessStats
{
    // Note: USER_HZ is 100 on every Linux the runtime supports; /proc/PID/stat counts in it.
    private const double TicksPerSecond = 100;

    /// <summary>utime + stime in seconds, or null when /proc is not readable.</summary>
    public static double? CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may contain spaces; fields follow the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After the name: state is field 3, so utime (14) and stime (15) are at index 11 and 12.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// CPU seconds of a process and its children: its own utime+stime, those of its children that it has
    /// reaped (cutime+cstime), and those of its live children. For a PostgreSQL postmaster that is the
    /// whole cluster, since every backend is its child.
    /// </summary>
    public static double? TreeCpuSeconds(int pid)
    {
        var own = Fields(pid);
        if (own is null)
        {
            return null;
        }

        double ticks = Ticks(own, 11) + Ticks(own, 12) + Ticks(own, 13) + Ticks(own, 14);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var child) && child != pid
                && Fields(child) is { } f && f.Length > 12 && f[1] == pid.ToString(CultureInfo.InvariantCulture))
            {
                ticks += Ticks(f, 11) + Ticks(f, 12);
            }
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>The fields of /proc/PID/stat after the command name (index 0 is the state, 1 the parent pid), or null.</summary>
    private static string[]? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static long Ticks(string[] fields, int index) =>
        index < fields.Length && long.TryParse(fields[index], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary>Peak resident set (VmHWM) in MiB, or null.</summary>
    public static double? PeakRssMiB(int pid) => StatusKiB(pid, "VmHWM:") / 1024.0;

    /// <summary>Current resident set (VmRSS) in MiB, or null.</summary>
    public static double? RssMiB(int pid) => StatusKiB(pid, "VmRSS:") / 1024.0;

    private static long? StatusKiB(int pid, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return null;
    }

    /// <summary>The 1-, 5- and 15-minute load averages as <c>uptime</c> prints them, or "n/a".</summary>
    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} {parts[1]} {parts[2]}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return "n/a";
        }
    }
}
