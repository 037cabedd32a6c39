using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using OpenVerify.Client;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>
/// The CLI device's state directory: the SDK's file stores (<c>factors.json</c>, <c>keys/</c>) and
/// <c>device.json</c> (each factor's server). One process uses one store instance per directory, so
/// every client built here shares them.
/// </summary>
public sealed class DeviceHome
{
    /// <summary>The environment variable that chooses the directory when <c>--home</c> is not given.</summary>
    public const string EnvironmentVariable = "OPENVERIFY_DEVICE_HOME";

    private const string StateFile = "device.json";
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private DeviceHome(string directory)
    {
        DirectoryPath = directory;
        FactorStore = new FileFactorStore(directory);
        KeyStore = new FileKeyStore(Path.Combine(directory, "keys"));
    }

    /// <summary>The directory.</summary>
    public string DirectoryPath { get; }

    /// <summary>The SDK's factor store over <c>factors.json</c>.</summary>
    public FileFactorStore FactorStore { get; }

    /// <summary>The SDK's key store over <c>keys/</c>.</summary>
    public FileKeyStore KeyStore { get; }

    /// <summary>The default directory: <c>~/.openverify/device</c>.</summary>
    public static string DefaultDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".openverify", "device");

    /// <summary><c>--home</c>, else <c>$OPENVERIFY_DEVICE_HOME</c>, else <see cref="DefaultDirectory"/>.</summary>
    public static DeviceHome Resolve(string? home)
    {
        var directory = !string.IsNullOrWhiteSpace(home) ? home
            : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
            : DefaultDirectory;
        return new DeviceHome(Path.GetFullPath(directory));
    }

    /// <summary>Reads <c>device.json</c> (empty when missing).</summary>
    public async Task<DeviceState> LoadAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(DirectoryPath, StateFile);
        if (!File.Exists(path))
        {
            return new DeviceState();
        }

        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<DeviceState>(stream, JsonOptions, cancellationToken) ?? new DeviceState();
        }
        catch (JsonException e)
        {
            throw new DeviceCommandException($"{path} is damaged ({e.Message}); `openverify device reset` starts over", e);
        }
    }

    /// <summary>Writes <c>device.json</c> atomically, owner-only on Unix.</summary>
    public async Task SaveAsync(DeviceState state, CancellationToken cancellationToken)
    {
        EnsureDirectory();
        var path = Path.Combine(DirectoryPath, StateFile);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temporary, options))
        {
            await JsonSerializer.SerializeAsync(stream, state, JsonOptions, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Deletes <c>device.json</c>.</summary>
    public void DeleteState() => File.Delete(Path.Combine(DirectoryPath, StateFile));

    /// <summary>A device client for one server, over this directory's stores; the caller owns <paramref name="http"/>.</summary>
    public VerifyClient Connect(DeviceServer server, HttpClient http)
    {
        EnsureDirectory();
        return VerifyClient.Builder()
            .WithBaseUrl(server.BaseUrl)
            .WithHttpClient(http)
            .WithFactorStore(FactorStore)
            .WithKeyStore(KeyStore)
            .WithDevice(new DeviceInfo { AppName = "openverify", AppId = "openverify-cli", Model = Environment.MachineName })
            .Build();
    }

    /// <summary>
    /// An HttpClient that trusts the system roots and, when given, the PEM certificate(s) too (for a
    /// server with a self-signed or private-CA certificate). The host name is always checked.
    /// </summary>
    public static HttpClient CreateHttpClient(string? caCertificatePem)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), AllowAutoRedirect = false };
        if (!string.IsNullOrWhiteSpace(caCertificatePem))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPem(caCertificatePem);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                errors == SslPolicyErrors.None || TrustedByExtraRoots(certificate, chain, errors, roots);
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Reads a PEM file given on the command line.</summary>
    public static string ReadCertificateFile(string path)
    {
        try
        {
            var pem = File.ReadAllText(path);
            var check = new X509Certificate2Collection();
            check.ImportFromPem(pem);
            return check.Count > 0 ? pem : throw new DeviceCommandException($"{path} holds no PEM certificate");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new DeviceCommandException($"Cannot read the certificate {path}: {e.Message}", e);
        }
    }

    private static bool TrustedByExtraRoots(System.Security.Cryptography.X509Certificates.X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        // Note: only chain errors may be overridden by the extra roots; a name mismatch never is.
        if (certificate is not X509Certificate2 leaf || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf);
    }

    private void EnsureDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(DirectoryPath);
        }
        else
        {
            Directory.CreateDirectory(DirectoryPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
