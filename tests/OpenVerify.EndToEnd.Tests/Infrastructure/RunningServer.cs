
namespace OpenVerify.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One real server process shared by the tests that never kill it; each test makes its own services
/// (or account). Sharing it keeps the number of server processes, and so the suite's time on a small
/// machine, down; the SIGKILL scenario has a server of its own.
/// </summary>
public sealed class RunningServer : IAsyncLifetime
{
    internal ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        TwilioHelper.UseInvariantCulture();
        Server = await ServerProcess.StartAsync();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The tests that share <see cref="RunningServer"/> (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class SharedServer : ICollectionFixture<RunningServer>
{
    public const string Name = "shared server";
}
