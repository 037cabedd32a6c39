using OpenVerify.Cli.Demo;

namespace OpenVerify.Samples.Tests.Support;

/// <summary>One in-process OpenVerify server (the demo's) shared by the tests; each test makes its own service.</summary>
public sealed class OpenVerifyFixture : IAsyncLifetime
{
    private DemoServer? server;

    public DemoServer Server => server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => server = await DemoServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class OpenVerifyCollection : ICollectionFixture<OpenVerifyFixture>
{
    public const string Name = "OpenVerify server";
}
