using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using OpenVerify.TestKit;

using OpenVerify.Tests.Shared;

namespace OpenVerify.Cli.Tests.Packaging;

/// <summary>
/// The install path an operator takes: <c>dotnet pack</c> makes the <c>openverify</c> tool package (and
/// the SDK's two packages), <c>dotnet tool install --tool-path</c> installs it from that folder, and the
/// installed command prints its version and serves. Slow (a pack and an install), so it is one test.
/// </summary>
public sealed class ToolPackageTests
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task The_packed_tool_installs_from_a_local_folder_prints_its_version_and_serves()
    {
        var root = Directory.CreateTempSubdirectory("openverify-pack-").FullName;
        try
        {
            var feed = Path.Combine(root, "feed");
            var repository = RepositoryRoot.Require();
            foreach (var project in (string[])["src/OpenVerify.Cli", "src/OpenVerify.Client", "src/OpenVerify.Protocol"])
            {
                await RunAsync(OpenVerifyBinary.DotnetHost, ["pack", Path.Combine(repository, project), "-o", feed, "--nologo"], root);
            }

            var tool = Assert.Single(Directory.GetFiles(feed, "openverify.*.nupkg"));
            var version = Path.GetFileNameWithoutExtension(tool)["openverify.".Length..];
            Assert.True(File.Exists(Path.Combine(feed, $"OpenVerify.Client.{version}.nupkg")), "OpenVerify.Client is packed with the same version");
            Assert.True(File.Exists(Path.Combine(feed, $"OpenVerify.Protocol.{version}.nupkg")), "OpenVerify.Protocol, which the SDK package depends on, is packed with it");
            using (var package = await ZipFile.OpenReadAsync(tool, CancellationToken.None))
            {
                Assert.Contains(package.Entries, e => e.FullName == "README.md");
                Assert.Contains(package.Entries, e => e.FullName.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal));
                var nuspec = ReadEntry(package, "openverify.nuspec");
                Assert.Contains("<packageType name=\"DotnetTool\" />", nuspec, StringComparison.Ordinal);
                Assert.Contains("<readme>README.md</readme>", nuspec, StringComparison.Ordinal);
                // The demo's app backend ships as the library; the sample's executable stays out of the tool.
                Assert.Contains(package.Entries, e => e.Name == "OpenVerify.AppBackend.dll");
                Assert.DoesNotContain(package.Entries, e => e.Name.StartsWith("OpenVerify.Samples.", StringComparison.Ordinal));
            }

            using (var client = await ZipFile.OpenReadAsync(Path.Combine(feed, $"OpenVerify.Client.{version}.nupkg"), CancellationToken.None))
            {
                Assert.Contains($"<dependency id=\"OpenVerify.Protocol\" version=\"{version}\"", ReadEntry(client, "OpenVerify.Client.nuspec"), StringComparison.Ordinal);
            }

            var tools = Path.Combine(root, "tools");
            await RunAsync(OpenVerifyBinary.DotnetHost, ["tool", "install", "--tool-path", tools, "--add-source", feed, "openverify", "--version", version], root);
            var command = Path.Combine(tools, "openverify");

            var printed = (await RunAsync(command, ["--version"], root)).Trim();
            Assert.StartsWith(version, printed, StringComparison.Ordinal);
            Assert.Matches(@"^\d+\.\d+\.\d+", printed);

            var port = FreePort.Next();
            var baseUrl = new Uri($"http://127.0.0.1:{port}/");
            using var serve = Start(command, ["serve", "--urls", baseUrl.AbsoluteUri.TrimEnd('/'), "--data", Path.Combine(root, "data"), "--metrics"], root);
            var output = new StringBuilder();
            serve.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            serve.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            serve.BeginOutputReadLine();
            serve.BeginErrorReadLine();
            try
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
                await Eventually.WaitAsync(async () =>
                {
                    Assert.False(serve.HasExited, "openverify serve exited: " + output);
                    try
                    {
                        using var response = await http.GetAsync(new Uri(baseUrl, "/healthz"));
                        return response.StatusCode == HttpStatusCode.OK;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                }, TimeSpan.FromSeconds(60), "/healthz 200 from the installed tool");
                using var metrics = await http.GetAsync(new Uri(baseUrl, "/metrics"));
                Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
                using var openApi = await http.GetAsync(new Uri(baseUrl, "/openapi/v1.json"));
                Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
            }
            finally
            {
                serve.Kill(entireProcessTree: true);
                await serve.WaitForExitAsync();
            }
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A file still held for a moment by the process just killed; a temp directory left behind is harmless.
            }
        }
    }

    private static string ReadEntry(ZipArchive archive, string name)
    {
        using var reader = new StreamReader(archive.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }

    private static Process Start(string fileName, IEnumerable<string> args, string workingDirectory)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The test host's MSBuild and OpenVerify settings must not steer the commands under test.
        foreach (var name in info.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("OPENVERIFY", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment.Remove(name);
            }
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // The installed command's launcher finds the runtime through DOTNET_ROOT.
        info.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(OpenVerifyBinary.DotnetHost)!;
        return Process.Start(info) ?? throw new InvalidOperationException("could not start " + fileName);
    }

    private static async Task<string> RunAsync(string fileName, IEnumerable<string> args, string workingDirectory)
    {
        var arguments = args.ToList();
        using var process = Start(fileName, arguments, workingDirectory);
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
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {CommandTimeout}");
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}\n{await stderr}");
        return output;
    }
}
