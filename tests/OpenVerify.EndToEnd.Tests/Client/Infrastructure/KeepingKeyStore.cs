using OpenVerify.Client;

namespace OpenVerify.EndToEnd.Tests.Client.Infrastructure;

/// <summary>
/// A key store that ignores deletes, so a test can still sign with a factor's key after the SDK
/// deleted the factor (to show the server refuses it).
/// </summary>
internal sealed class KeepingKeyStore : IKeyStore, IDisposable
{
    private readonly InMemoryKeyStore inner = new();

    public Task<byte[]> CreateAsync(string alias, CancellationToken cancellationToken = default) => inner.CreateAsync(alias, cancellationToken);

    public Task<bool> ContainsAsync(string alias, CancellationToken cancellationToken = default) => inner.ContainsAsync(alias, cancellationToken);

    public Task<byte[]> SignAsync(string alias, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => inner.SignAsync(alias, data, cancellationToken);

    public Task DeleteAsync(string alias, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public void Dispose() => inner.Dispose();
}
