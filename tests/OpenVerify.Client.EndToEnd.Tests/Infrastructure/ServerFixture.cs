namespace OpenVerify.Client.EndToEnd.Tests.Infrastructure;

/// <summary>One plain-http server shared by the tests of <see cref="ServerCollection"/>; each test creates its own service.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private ServerProcess? server;

    internal ServerProcess Server => server ?? throw new InvalidOperationException("The server has not started.");

    internal VerifyBackend Backend { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        server = await ServerProcess.StartAsync();
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

/// <summary>The tests that share <see cref="ServerFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "openverify serve";
}
