namespace OpenVerify.TestKit.Server;

/// <summary>The outcome of one <c>openverify …</c> command run by <see cref="OpenVerifyBinary.RunAsync"/>.</summary>
public sealed class CommandResult(string command, int exitCode, string standardOutput, string standardError)
{
    /// <summary>The command line, for failure messages (<c>openverify accounts create --json</c>).</summary>
    public string Command { get; } = command;

    public int ExitCode { get; } = exitCode;

    public string StandardOutput { get; } = standardOutput;

    public string StandardError { get; } = standardError;

    /// <summary>Stdout followed by stderr.</summary>
    public string Combined => StandardOutput + StandardError;

    /// <summary><c>var (exitCode, stdout, combined) = await server.CliAsync(…)</c>.</summary>
    public void Deconstruct(out int exitCode, out string standardOutput, out string combined)
    {
        exitCode = ExitCode;
        standardOutput = StandardOutput;
        combined = Combined;
    }
}
