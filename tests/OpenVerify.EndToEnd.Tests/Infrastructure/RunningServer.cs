using Xunit;

namespace OpenVerify.EndToEnd.Tests.Infrastructure;

/// <summary>One real server process shared by a test class whose tests do not kill it; each test makes its own services.</summary>
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
