using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OpenVerify.Client;

/// <summary>
/// Configures a <see cref="VerifyClient"/> (like <c>TwilioVerify.Builder</c>). Everything is optional:
/// without settings the client talks to <c>https://verify.twilio.com/v2/</c> and keeps factors and
/// keys in files under the per-user local application data directory (<see cref="DefaultStorageDirectory"/>).
/// </summary>
public sealed class VerifyClientBuilder
{
    /// <summary>The SDK's default base URL.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://verify.twilio.com/v2/");

    private Uri baseUrl = DefaultBaseUrl;
    private HttpClient? httpClient;
    private HttpMessageHandler? handler;
    private IKeyStore? keyStore;
    private IFactorStore? factorStore;
    private string? storageDirectory;
    private ILogger? logger;
    private TimeProvider time = TimeProvider.System;
    private DeviceInfo device = new();

    /// <summary>The default directory of the file stores: <c>{LocalApplicationData}/OpenVerify/Client</c>.</summary>
    public static string DefaultStorageDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "OpenVerify", "Client");

    /// <summary>
    /// The API base URL, e.g. <c>https://verify.example.com/v2/</c> for a self-hosted server. A missing
    /// trailing slash is added. Plain <c>http</c> is allowed for local development; the Android SDK requires HTTPS.
    /// </summary>
    public VerifyClientBuilder WithBaseUrl(Uri value)
    {
        ArgumentNullException.ThrowIfNull(value);
        baseUrl = value;
        return this;
    }

    /// <inheritdoc cref="WithBaseUrl(Uri)"/>
    public VerifyClientBuilder WithBaseUrl(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.TryCreate(value, UriKind.Absolute, out var uri)
            ? WithBaseUrl(uri)
            : throw new VerifyClientException(ErrorCategory.Initialization, $"The base URL '{value}' is not an absolute URL");
    }

    /// <summary>Uses this HttpClient (its own BaseAddress is ignored). The client does not dispose it.</summary>
    public VerifyClientBuilder WithHttpClient(HttpClient value)
    {
        httpClient = value ?? throw new ArgumentNullException(nameof(value));
        return this;
    }

    /// <summary>Sends through this handler (e.g. a test fake or a custom TLS setup). The client does not dispose it.</summary>
    public VerifyClientBuilder WithHttpMessageHandler(HttpMessageHandler value)
    {
        handler = value ?? throw new ArgumentNullException(nameof(value));
        return this;
    }

    /// <summary>Keeps private keys in this store (e.g. the Android Keystore or iOS Keychain in a MAUI app).</summary>
    public VerifyClientBuilder WithKeyStore(IKeyStore value)
    {
        keyStore = value ?? throw new ArgumentNullException(nameof(value));
        return this;
    }

    /// <summary>Keeps factors and the clock correction in this store.</summary>
    public VerifyClientBuilder WithFactorStore(IFactorStore value)
    {
        factorStore = value ?? throw new ArgumentNullException(nameof(value));
        return this;
    }

    /// <summary>
    /// Roots the default file stores at <paramref name="directory"/>: factors in <c>factors.json</c>,
    /// encrypted keys under <c>keys/</c>. Stores set explicitly take precedence.
    /// </summary>
    public VerifyClientBuilder WithStorageDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        storageDirectory = directory;
        return this;
    }

    /// <summary>Logs requests (method, path, status; never tokens or keys) to this logger.</summary>
    public VerifyClientBuilder WithLogger(ILogger value)
    {
        logger = value ?? throw new ArgumentNullException(nameof(value));
        return this;
    }

    /// <summary>Logs to a logger created from this factory.</summary>
    public VerifyClientBuilder WithLoggerFactory(ILoggerFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        logger = factory.CreateLogger("OpenVerify.Client");
        return this;
    }

    /// <summary>The clock for device JWTs (tests pass a fake one).</summary>
    public VerifyClientBuilder WithTimeProvider(TimeProvider value)
    {
        time = value ?? throw new ArgumentNullException(nameof(value));
        return this;
    }

    /// <summary>What the client tells the server about the app and device (User-Agent and <c>Config.*</c>).</summary>
    public VerifyClientBuilder WithDevice(DeviceInfo value)
    {
        device = value ?? throw new ArgumentNullException(nameof(value));
        return this;
    }

    /// <summary>Builds the client.</summary>
    /// <exception cref="VerifyClientException">Initialization error: the settings cannot work together.</exception>
    public VerifyClient Build()
    {
        if (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(baseUrl.Query) || !string.IsNullOrEmpty(baseUrl.Fragment))
        {
            throw new VerifyClientException(ErrorCategory.Initialization, $"The base URL '{baseUrl}' must be an absolute http(s) URL without query or fragment");
        }

        if (httpClient is not null && handler is not null)
        {
            throw new VerifyClientException(ErrorCategory.Initialization, "Give either an HttpClient or an HttpMessageHandler, not both");
        }

        var normalizedBase = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        var root = storageDirectory ?? (keyStore is null || factorStore is null ? DefaultStorageDirectory : null);
        var keys = keyStore ?? new FileKeyStore(Path.Combine(root!, "keys"));
        var factors = factorStore ?? new FileFactorStore(root!);

        HttpClient? owned = null;
        var http = httpClient;
        if (http is null)
        {
            owned = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            http = owned;
        }

        var log = logger ?? NullLogger.Instance;
        var clock = new DeviceClock(time, factors);
        var transport = new ApiTransport(http, normalizedBase, device, new DeviceJwtSigner(keys, clock), clock, log);
        return new VerifyClient(transport, keys, factors, device, log, normalizedBase, owned);
    }
}
