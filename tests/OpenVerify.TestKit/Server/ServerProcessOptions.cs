namespace OpenVerify.TestKit.Server;

/// <summary>How <see cref="ServerProcess.StartAsync"/> starts <c>openverify serve</c>.</summary>
public sealed record ServerProcessOptions
{
    /// <summary>
    /// Pass a fresh bootstrap account in <c>OPENVERIFY_ACCOUNT_SID</c>/<c>OPENVERIFY_AUTH_TOKEN</c>
    /// (default). Without it the first start creates an account and prints it.
    /// </summary>
    public bool BootstrapAccount { get; init; } = true;

    /// <summary>Serve https with a fresh self-signed certificate for 127.0.0.1 (<see cref="TestCertificate"/>).</summary>
    public bool Https { get; init; }

    /// <summary>How long each start may take to answer <c>GET /healthz</c> with 200.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// More environment for the process, e.g. <c>OpenVerify__Webhooks__AllowPrivateNetworks=true</c> so that
    /// it delivers webhooks to a loopback <see cref="Webhooks.WebhookReceiver"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}
