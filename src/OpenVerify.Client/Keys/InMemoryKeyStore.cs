using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace OpenVerify.Client;

/// <summary>A key store that keeps keys in process memory only: for tests and throw-away devices.</summary>
public sealed class InMemoryKeyStore : IKeyStore, IDisposable
{
    private readonly ConcurrentDictionary<string, ECDsa> keys = new(StringComparer.Ordinal);

    /// <summary>The aliases currently held.</summary>
    public IReadOnlyCollection<string> Aliases => [.. keys.Keys];

    /// <inheritdoc />
    public Task<byte[]> CreateAsync(string alias, CancellationToken cancellationToken = default)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (!keys.TryAdd(alias, key))
        {
            key.Dispose();
            throw new InvalidOperationException($"A key with alias {alias} already exists.");
        }

        return Task.FromResult(key.ExportSubjectPublicKeyInfo());
    }

    /// <inheritdoc />
    public Task<bool> ContainsAsync(string alias, CancellationToken cancellationToken = default) =>
        Task.FromResult(keys.ContainsKey(alias));

    /// <inheritdoc />
    public Task<byte[]> SignAsync(string alias, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (!keys.TryGetValue(alias, out var key))
        {
            throw new KeyNotFoundException($"No key with alias {alias}.");
        }

        return Task.FromResult(key.SignData(data.Span, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    /// <inheritdoc />
    public Task DeleteAsync(string alias, CancellationToken cancellationToken = default)
    {
        if (keys.TryRemove(alias, out var key))
        {
            key.Dispose();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var key in keys.Values)
        {
            key.Dispose();
        }

        keys.Clear();
    }
}
