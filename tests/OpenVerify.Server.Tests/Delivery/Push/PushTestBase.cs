namespace OpenVerify.Server.Tests.Delivery.Push;

/// <summary>
/// A fresh server per test whose push endpoints are local stand-ins (Google's token endpoint, FCM, APNs)
/// holding the test's own keys: the push delivery, reliability and credentials tests start from it.
/// </summary>
public abstract class PushTestBase : IAsyncLifetime
{
    protected readonly TestKeys keys = new();
    protected PushStandIns standIns = null!;
    protected PushHost host = null!;

    public virtual async Task InitializeAsync()
    {
        standIns = await PushStandIns.StartAsync(keys);
        host = await PushHost.StartAsync(standIns, keys);
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await standIns.DisposeAsync();
        keys.Dispose();
    }
}
