using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace OpenVerify.Client.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real <c>openverify serve</c> process on a free loopback port with its own data directory and
/// bootstrap account. Ready when <c>/healthz</c> answers 200 (polled, bounded); disposing kills
/// the whole process tree and deletes the data.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly TempDirectory data;
    private readonly StringBuilder output;
    private readonly X509Certificate2? certificate;

    private ServerProcess(Process process, TempDirectory data, StringBuilder output, Uri root, string accountSid, string authToken, X509Certificate2? certificate, string? certificatePemPath)
    {
        this.process = process;
        this.data = data;
        this.output = output;
        this.certificate = certificate;
        Root = root;
        AccountSid = accountSid;
        AuthToken = authToken;
        CertificatePemPath = certificatePemPath;
    }

    /// <summary>The server root, e.g. <c>http://127.0.0.1:5123/</c> (the API is under <c>v2/</c>).</summary>
    public Uri Root { get; }

    /// <summary>The Verify API base URL, ending in <c>/v2/</c>.</summary>
    public Uri ApiBase => new(Root, "v2/");

    /// <summary>The bootstrap account.</summary>
    public string AccountSid { get; }

    /// <summary>The bootstrap account's auth token.</summary>
    public string AuthToken { get; }

    /// <summary>With HTTPS, the PEM file of the server's self-signed certificate.</summary>
    public string? CertificatePemPath { get; }

    /// <summary>What the server printed so far (for failure messages).</summary>
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

    /// <summary>Starts a server over plain http.</summary>
    public static Task<ServerProcess> StartAsync() => StartAsync(https: false);

    /// <summary>Starts a server over https with a fresh self-signed certificate.</summary>
    public static Task<ServerProcess> StartHttpsAsync() => StartAsync(https: true);

    /// <summary>An HttpClient that trusts this server (its certificate, when https).</summary>
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

    /// <summary>An HttpClient for the backend side: Basic <c>AC…:auth token</c>, based at the root.</summary>
    public HttpClient CreateAccountClient()
    {
        var http = CreateHttpClient();
        http.BaseAddress = Root;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")));
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(wait.Token);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or the OS is slow to reap it; nothing more a test can do.
        }

        process.Dispose();
        certificate?.Dispose();
        data.Dispose();
    }

    private static async Task<ServerProcess> StartAsync(bool https)
    {
        var data = new TempDirectory("openverify-e2e-server");
        var accountSid = "AC" + RandomNumberGenerator.GetHexString(32, lowercase: true);
        var authToken = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var environment = new Dictionary<string, string>
        {
            ["OPENVERIFY_ACCOUNT_SID"] = accountSid,
            ["OPENVERIFY_AUTH_TOKEN"] = authToken,
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };

        X509Certificate2? certificate = null;
        string? pemPath = null;
        if (https)
        {
            (var pfxPath, pemPath, certificate) = TestCertificate.Write(data.Path);
            environment["Kestrel__Certificates__Default__Path"] = pfxPath;
            environment["Kestrel__Certificates__Default__Password"] = TestCertificate.Password;
        }

        var port = FreePort.Next();
        var root = new Uri($"{(https ? "https" : "http")}://127.0.0.1:{port}/");
        var info = OpenVerifyBinary.StartInfo(["serve", "--urls", root.AbsoluteUri.TrimEnd('/'), "--data", data.Sub("data")], environment);
        var output = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new ServerProcess(process, data, output, root, accountSid, authToken, certificate, pemPath);
        try
        {
            await server.WaitUntilHealthyAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = CreateHttpClient();
        http.Timeout = TimeSpan.FromSeconds(5);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"openverify serve exited with {process.ExitCode} before it was healthy:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Root, "healthz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"openverify serve was not healthy within {StartTimeout.TotalSeconds} s:\n{Output}");
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
