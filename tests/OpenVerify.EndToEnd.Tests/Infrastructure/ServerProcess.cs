using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OpenVerify.Protocol.Sids;

namespace OpenVerify.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real server: <c>dotnet openverify.dll serve --urls http://127.0.0.1:PORT --data DIR</c>, with the
/// bootstrap account from <c>OPENVERIFY_ACCOUNT_SID</c>/<c>OPENVERIFY_AUTH_TOKEN</c>. Ready once
/// <c>GET /healthz</c> answers 200 (polled, bounded); stopped with SIGKILL, never gracefully.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(45);

    private readonly StringBuilder output = new();
    private Process? process;

    private ServerProcess(string dataDirectory, int port, string? accountSid, string? authToken, bool ownsData)
    {
        DataDirectory = dataDirectory;
        Port = port;
        AccountSid = accountSid ?? "";
        AuthToken = authToken ?? "";
        OwnsData = ownsData;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}");

    /// <summary>The device SDKs' base URL, ending in <c>/v2/</c>.</summary>
    public Uri DeviceBaseUrl => new(BaseUrl, "/v2/");

    /// <summary>The bootstrap account passed in the environment (empty when started without one).</summary>
    public string AccountSid { get; }

    public string AuthToken { get; }

    /// <summary>Whether <c>OPENVERIFY_ACCOUNT_SID</c>/<c>OPENVERIFY_AUTH_TOKEN</c> are set for the process.</summary>
    public bool BootstrapsAccount => AccountSid.Length > 0;

    public int Starts { get; private set; }

    private bool OwnsData { get; }

    /// <summary>Everything the server printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a server on a fresh data directory and a free loopback port, with a bootstrap account in
    /// the environment unless <paramref name="bootstrapAccount"/> is false.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(bool bootstrapAccount = true)
    {
        var data = Directory.CreateTempSubdirectory("openverify-e2e-").FullName;
        var server = bootstrapAccount
            ? new ServerProcess(data, FreePort(), Sid.New(SidPrefix.Account), Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), ownsData: true)
            : new ServerProcess(data, FreePort(), null, null, ownsData: true);
        try
        {
            await server.StartAgainAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts (or restarts) the process on the same port and data directory and waits for /healthz.</summary>
    public async Task StartAgainAsync()
    {
        if (process is { HasExited: false })
        {
            throw new InvalidOperationException("The server is still running");
        }

        process?.Dispose();
        lock (output)
        {
            output.AppendLine($"--- start #{Starts + 1} ---");
        }

        var environment = new Dictionary<string, string>();
        if (BootstrapsAccount)
        {
            environment["OPENVERIFY_ACCOUNT_SID"] = AccountSid;
            environment["OPENVERIFY_AUTH_TOKEN"] = AuthToken;
        }

        // Note: the port of a SIGKILLed server is normally free at once; should the kernel still hold
        // it, Kestrel exits with "address already in use" and the start is tried again, a bounded number of times.
        for (var attempt = 1; ; attempt++)
        {
            process = OpenVerifyBinary.Start(
                ["serve", "--urls", BaseUrl.AbsoluteUri.TrimEnd('/'), "--data", DataDirectory],
                DataDirectory, environment, output);
            Starts++;
            try
            {
                await WaitForHealthyAsync(process);
                return;
            }
            catch (InvalidOperationException) when (attempt < 5 && process.HasExited && Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                process.Dispose();
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }

    /// <summary>SIGKILL (on Linux <c>Process.Kill</c> sends SIGKILL): no shutdown hooks, no flushing.</summary>
    public async Task<int> KillAsync()
    {
        var running = process ?? throw new InvalidOperationException("The server was never started");
        running.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await running.WaitForExitAsync(timeout.Token);
        return running.ExitCode;
    }

    /// <summary>Runs a one-shot CLI command against this server's data directory.</summary>
    public Task<(int ExitCode, string StandardOutput, string Combined)> CliAsync(params string[] args) =>
        OpenVerifyBinary.RunAsync([.. args, "--data", DataDirectory]);

    /// <summary><c>openverify accounts create --json</c> on this server's data: a fresh, empty account.</summary>
    public async Task<(string Sid, string AuthToken)> CreateAccountAsync()
    {
        var (exitCode, stdout, combined) = await CliAsync("accounts", "create", "--json");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"accounts create failed ({exitCode}): {combined}");
        }

        using var json = System.Text.Json.JsonDocument.Parse(stdout.Trim());
        return (json.RootElement.GetProperty("account_sid").GetString()!, json.RootElement.GetProperty("auth_token").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            await KillAsync();
        }

        process?.Dispose();
        if (OwnsData)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A temp directory left behind is harmless.
            }
        }
    }

    private async Task WaitForHealthyAsync(Process running)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (running.HasExited)
            {
                throw new InvalidOperationException($"openverify serve exited with {running.ExitCode} before it was healthy:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(BaseUrl, "/healthz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but not answering yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        running.Kill(entireProcessTree: true);
        throw new TimeoutException($"openverify serve was not healthy within {StartTimeout.TotalSeconds} s:\n{Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
