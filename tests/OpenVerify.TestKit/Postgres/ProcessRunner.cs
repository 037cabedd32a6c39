using System.Diagnostics;
using System.Text;

namespace OpenVerify.TestKit.Postgres;

/// <summary>The exit code and the combined stdout/stderr of a finished command.</summary>
internal readonly record struct ProcessResult(int ExitCode, string Output);

/// <summary>Runs short-lived commands with a bounded wait, capturing their output.</summary>
internal static class ProcessRunner
{
    /// <summary>
    /// A start description with a clean environment: no inherited PG* variables (which would
    /// redirect initdb/pg_ctl/postgres elsewhere) and the C locale, so messages are predictable.
    /// </summary>
    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> arguments, string? workingDirectory)
    {
        var psi = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        if (workingDirectory is not null)
        {
            psi.WorkingDirectory = workingDirectory;
        }

        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(key);
        }

        psi.Environment["LC_ALL"] = "C";
        psi.Environment["LANG"] = "C";
        return psi;
    }

    public static ProcessResult Run(string file, IEnumerable<string> arguments, string? workingDirectory, TimeSpan timeout)
    {
        using var process = Start(StartInfo(file, arguments, workingDirectory), out var output);
        if (!process.WaitForExit(timeout))
        {
            TryKill(process);
            throw new TimeoutException($"'{Describe(file, arguments)}' did not finish within {timeout.TotalSeconds:0}s. Output so far:\n{Snapshot(output)}");
        }

        process.WaitForExit(); // drain the asynchronous output readers
        return new ProcessResult(process.ExitCode, Snapshot(output));
    }

    public static async Task<ProcessResult> RunAsync(
        string file, IEnumerable<string> arguments, string? workingDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var process = Start(StartInfo(file, arguments, workingDirectory), out var output);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            TryKill(process);
            throw new TimeoutException($"'{Describe(file, arguments)}' did not finish within {timeout.TotalSeconds:0}s. Output so far:\n{Snapshot(output)}");
        }
        catch (OperationCanceledException)
        {
            TryKill(process);
            throw;
        }

        return new ProcessResult(process.ExitCode, Snapshot(output));
    }

    public static string Describe(string file, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { file }.Concat(arguments));

    private static Process Start(ProcessStartInfo psi, out StringBuilder output)
    {
        var buffer = new StringBuilder();
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(buffer, e.Data);
        process.ErrorDataReceived += (_, e) => Append(buffer, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = buffer;
        return process;
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
