using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using OpenVerify.Protocol.Sids;

namespace OpenVerify.TestKit.Server;

/// <summary>
/// The real server: <c>dotnet openverify.dll serve --urls http(s)://127.0.0.1:PORT --data DIR</c> on a
/// free loopback port and a fresh data directory, by default with a bootstrap account from
/// <c>OPENVERIFY_ACCOUNT_SID</c>/<c>OPENVERIFY_AUTH_TOKEN</c>. Ready once <c>GET /healthz</c> answers 200
/// (polled, bounded). Stopped with SIGKILL, never gracefully; it can be started again on the same port
/// and data. Disposing kills it and deletes its directory.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan HealthRequestTimeout = TimeSpan.FromSeconds(2);
    private const int MaxStartAttempts = 5;

    private readonly StringBuilder output = new();
    private readonly ServerProcessOptions options;
    private readonly string rootDirectory;
    private readonly X509Certificate2? certificate;
    private readonly string? certificatePfxPath;
    private Process? process;

    private ServerProcess(ServerProcessOptions options, string rootDirectory, int port)
    {
        this.options = options;
        this.rootDirectory = rootDirectory;
        DataDirectory = Path.Combine(rootDirectory, "data");
        Directory.CreateDirectory(DataDirectory);
        Port = port;
        BaseUrl = new Uri($"{(options.Https ? "https" : "http")}://127.0.0.1:{port}/");
        if (options.Storage == "postgres" && string.IsNullOrEmpty(options.Connection))
        {
            throw new ArgumentException("Storage postgres needs a Connection", nameof(options));
        }

        if (options.Account is { } account)
        {
            (AccountSid, AuthToken) = account;
        }
        else if (options.BootstrapAccount)
        {
            AccountSid = Sid.New(SidPrefix.Account);
            AuthToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        }

        if (options.Https)
        {
            (certificatePfxPath, var pemPath, certificate) = TestCertificate.Write(rootDirectory);
            CertificatePemPath = pemPath;
        }
    }

    /// <summary>The server's data directory (<c>--data</c>), kept across restarts; with PostgreSQL it holds nothing but the output's working directory.</summary>
    public string DataDirectory { get; }

    public int Port { get; }

    /// <summary>The server root, e.g. <c>http://127.0.0.1:5123/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The device SDKs' (and the Verify API's) base URL, ending in <c>/v2/</c>.</summary>
    public Uri DeviceBaseUrl => new(BaseUrl, "/v2/");

    /// <summary>The bootstrap account passed in the environment (empty when started without one).</summary>
    public string AccountSid { get; } = "";

    /// <summary>The bootstrap account's auth token (empty when started without one).</summary>
    public string AuthToken { get; } = "";

    /// <summary>Whether <c>OPENVERIFY_ACCOUNT_SID</c>/<c>OPENVERIFY_AUTH_TOKEN</c> are set for the process.</summary>
    public bool BootstrapsAccount => AccountSid.Length > 0;

    /// <summary>With https, the PEM file of the server's self-signed certificate.</summary>
    public string? CertificatePemPath { get; }

    /// <summary>The operating-system id of the running (or last) process, e.g. to find its outbox leases.</summary>
    public int ProcessId { get; private set; }

    /// <summary>How many processes were started (a start retried after "address already in use" counts twice).</summary>
    public int Starts { get; private set; }

    /// <summary>Everything the server printed, every start headed by <c>--- start #N ---</c> (for failure messages).</summary>
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

    /// <summary>Starts a server on a fresh data directory and a free loopback port and waits for <c>/healthz</c>.</summary>
    public static async Task<ServerProcess> StartAsync(ServerProcessOptions? options = null)
    {
        var root = Directory.CreateTempSubdirectory("openverify-e2e-").FullName;
        ServerProcess server;
        try
        {
            server = new ServerProcess(options ?? new ServerProcessOptions(), root, FreePort.Next());
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }

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

    /// <summary>
    /// Starts (or restarts) the process on the same port and data directory and waits for <c>/healthz</c>.
    /// The port of a SIGKILLed server is normally free at once; should the kernel still hold it, Kestrel
    /// exits with "address already in use" and the start is tried again, a bounded number of times.
    /// </summary>
    public async Task StartAgainAsync()
    {
        if (process is { HasExited: false })
        {
            throw new InvalidOperationException("The server is still running");
        }

        process?.Dispose();
        process = null;
        var environment = new Dictionary<string, string>
        {
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (name, value) in options.Environment)
        {
            environment[name] = value;
        }

        if (BootstrapsAccount)
        {
            environment["OPENVERIFY_ACCOUNT_SID"] = AccountSid;
            environment["OPENVERIFY_AUTH_TOKEN"] = AuthToken;
        }

        if (certificatePfxPath is not null)
        {
            environment["Kestrel__Certificates__Default__Path"] = certificatePfxPath;
            environment["Kestrel__Certificates__Default__Password"] = TestCertificate.Password;
        }

        for (var attempt = 1; ; attempt++)
        {
            int attemptStart;
            lock (output)
            {
                output.AppendLine($"--- start #{Starts + 1} ---");
                attemptStart = output.Length;
            }

            process = OpenVerifyBinary.Start(
                ["serve", "--urls", BaseUrl.AbsoluteUri.TrimEnd('/'), .. StorageArguments(), .. options.Arguments],
                DataDirectory, environment, output);
            ProcessId = process.Id;
            Starts++;
            try
            {
                await WaitForHealthyAsync(process);
                return;
            }
            catch (InvalidOperationException) when (attempt < MaxStartAttempts && process.HasExited && OutputSince(attemptStart).Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // Only this attempt's output counts: an earlier start's message is no reason to retry.
                process.Dispose();
                process = null;
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }

    /// <summary>
    /// SIGKILL (on Linux <c>Process.Kill</c> sends SIGKILL) to the whole process tree: no shutdown hooks,
    /// no flushing. Returns the exit code (137 on Linux); throws if the process is not gone within 15 s.
    /// </summary>
    public async Task<int> KillAsync()
    {
        var running = process ?? throw new InvalidOperationException("The server was never started");
        running.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(KillTimeout);
        await running.WaitForExitAsync(timeout.Token);
        return running.ExitCode;
    }

    /// <summary>Runs a one-shot CLI command against this server's storage (<c>--data</c>, and <c>--storage</c>/<c>--connection</c> for PostgreSQL, appended).</summary>
    public Task<CommandResult> CliAsync(params string[] args) =>
        OpenVerifyBinary.RunAsync([.. args, .. StorageArguments()]);

    private string[] StorageArguments() => options.Storage == "sqlite" && options.Connection is null
        ? ["--data", DataDirectory]
        : ["--data", DataDirectory, "--storage", options.Storage, "--connection", options.Connection!];

    /// <summary><c>openverify accounts create --json</c> on this server's data: a fresh, empty account.</summary>
    public async Task<(string Sid, string AuthToken)> CreateAccountAsync()
    {
        var (exitCode, stdout, combined) = await CliAsync("accounts", "create", "--json");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"accounts create failed ({exitCode}): {combined}");
        }

        using var json = JsonDocument.Parse(stdout.Trim());
        return (json.RootElement.GetProperty("account_sid").GetString()!, json.RootElement.GetProperty("auth_token").GetString()!);
    }

    /// <summary>An HttpClient that trusts this server (with https, exactly its certificate); no redirects.</summary>
    public HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false };
        if (certificate is not null)
        {
            var thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
                presented is not null && presented.GetCertHashString(HashAlgorithmName.SHA256) == thumbprint;
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>An HttpClient for the backend side: Basic <c>AC…:auth token</c> of the bootstrap account, based at the root.</summary>
    public HttpClient CreateAccountClient()
    {
        var http = CreateHttpClient();
        http.BaseAddress = BaseUrl;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")));
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (process is { HasExited: false })
            {
                await KillAsync();
            }
        }
        finally
        {
            process?.Dispose();
            certificate?.Dispose();
            try
            {
                Directory.Delete(rootDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A process that just died may still hold a file for a moment; a temp directory left behind is harmless.
            }
        }
    }

    private string OutputSince(int start)
    {
        lock (output)
        {
            return output.ToString(start, output.Length - start);
        }
    }

    private async Task WaitForHealthyAsync(Process running)
    {
        using var client = CreateHttpClient();
        client.Timeout = HealthRequestTimeout;
        var healthz = new Uri(BaseUrl, "/healthz");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < options.StartTimeout)
        {
            if (running.HasExited)
            {
                throw new InvalidOperationException($"openverify serve exited with {running.ExitCode} before it was healthy:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync(healthz);
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
        throw new TimeoutException($"openverify serve was not healthy within {options.StartTimeout.TotalSeconds} s:\n{Output}");
    }
}
