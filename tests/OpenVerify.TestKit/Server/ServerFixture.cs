namespace OpenVerify.TestKit.Server;

/// <summary>
/// One plain-http server shared by the tests of a collection; each test creates its own service. xunit finds
/// collection definitions only in the test assembly, so each project declares its own (ServerCollection).
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    private ServerProcess? server;

    public ServerProcess Server => server ?? throw new InvalidOperationException("The server has not started.");

    public VerifyBackend Backend { get; private set; } = null!;

    /// <summary>How the server starts.</summary>
    protected virtual ServerProcessOptions Options => new();

    public async Task InitializeAsync()
    {
        server = await ServerProcess.StartAsync(Options);
        Backend = new VerifyBackend(server.CreateAccountClient());
    }

    public async Task DisposeAsync()
    {
        Backend?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>The same over https, with a self-signed certificate (<see cref="ServerProcess.CertificatePemPath"/>).</summary>
public sealed class HttpsServerFixture : ServerFixture
{
    /// <inheritdoc />
    protected override ServerProcessOptions Options => new() { Https = true };
}
