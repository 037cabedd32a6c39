namespace OpenVerify.TestKit.Server;

/// <summary>How <see cref="ServerProcess.StartAsync"/> starts <c>openverify serve</c>.</summary>
public sealed record ServerProcessOptions
{
    /// <summary>
    /// Pass a fresh bootstrap account in <c>OPENVERIFY_ACCOUNT_SID</c>/<c>OPENVERIFY_AUTH_TOKEN</c>
    /// (default). Without it the first start creates an account and prints it.
    /// </summary>
    public bool BootstrapAccount { get; init; } = true;

    /// <summary>
    /// The bootstrap account to pass instead of a fresh one (both or neither), so that several
    /// processes on one database serve the same account.
    /// </summary>
    public (string Sid, string AuthToken)? Account { get; init; }

    /// <summary>Serve https with a fresh self-signed certificate for 127.0.0.1 (<see cref="TestCertificate"/>).</summary>
    public bool Https { get; init; }

    /// <summary><c>--storage</c>: <c>sqlite</c> (default, the file in the data directory) or <c>postgres</c>.</summary>
    public string Storage { get; init; } = "sqlite";

    /// <summary><c>--connection</c>: required for <c>postgres</c>, e.g. from <c>PostgresCluster.CreateDatabaseAsync</c>.</summary>
    public string? Connection { get; init; }

    /// <summary>
    /// Extra environment for the process, applied last, e.g. <c>OpenVerify__OutboxLease</c>, the
    /// push endpoints of local stand-ins (<c>OpenVerify__Push__FcmBaseUrl</c>) or
    /// <c>OpenVerify__Webhooks__AllowPrivateNetworks=true</c> for a loopback webhook receiver.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>More <c>serve</c> options, appended last, e.g. <c>--metrics</c> or <c>--log-format json</c>.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>How long each start may take to answer <c>GET /healthz</c> with 200.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
