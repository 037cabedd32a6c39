using System.Text.Json;


namespace OpenVerify.Cli.Tests.Commands.Device;

/// <summary>The outcome of one <c>openverify device …</c> run.</summary>
internal sealed record CliResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Asserts success and parses stdout as JSON.</summary>
    public JsonElement Json()
    {
        Succeeded();
        using var document = JsonDocument.Parse(StandardOutput);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts exit code 0.</summary>
    public CliResult Succeeded()
    {
        Assert.True(ExitCode == 0, $"`{Command}` exited with {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
        return this;
    }
}

/// <summary>Runs <c>dotnet openverify.dll device … --home DIR</c> as a process, as a user or script would.</summary>
internal sealed class DeviceCli(string home)
{
    public string Home => home;

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(["device", .. args, "--home", home], null);

    /// <summary>Runs without <c>--home</c>, the directory coming from <c>OPENVERIFY_DEVICE_HOME</c>.</summary>
    public Task<CliResult> RunWithHomeFromEnvironmentAsync(params string[] args) =>
        RunAsync(["device", .. args], new Dictionary<string, string> { ["OPENVERIFY_DEVICE_HOME"] = home });

    private static async Task<CliResult> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        var run = await OpenVerifyBinary.RunAsync(args, environment);
        return new CliResult(run.Command, run.ExitCode, run.StandardOutput, run.StandardError);
    }
}
