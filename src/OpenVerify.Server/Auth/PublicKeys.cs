using System.Collections.Concurrent;
using System.Security.Cryptography;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.Server.Auth;

/// <summary>
/// Imported factor keys, kept for reuse. Note: importing a P-256 key into OpenSSL costs about three
/// ES256 verifications (curve set-up and the public-key check), and every device request and every
/// approval needs its factor's key (docs/benchmarks.md). A key is cached under its base64 SPKI text,
/// which fully determines it, so a cached key can never be the wrong one; a deleted factor is refused
/// before its key is looked up. An instance serves one caller at a time: rented, then returned.
/// One cache per server (a DI singleton), not per process, so two hosts in one process (tests, an
/// embedding app) never share or clear each other's keys.
/// </summary>
public sealed class PublicKeys
{
    /// <summary>Distinct keys kept; past it the cache starts over (dropped keys are freed by their finalizers).</summary>
    public const int MaxKeys = 4096;

    private const int MaxPerKey = 4;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ECDsa>> cache = new(StringComparer.Ordinal);
    private int count;

    /// <summary>A key for <paramref name="base64Spki"/> (see <see cref="P256PublicKey.TryImport"/>); dispose to return it.</summary>
    public bool TryRent(string? base64Spki, out RentedKey key)
    {
        if (base64Spki is not null && cache.TryGetValue(base64Spki, out var pool) && pool.TryDequeue(out var cached))
        {
            key = new RentedKey(this, base64Spki, cached);
            return true;
        }

        if (!P256PublicKey.TryImport(base64Spki, out var imported))
        {
            key = default;
            return false;
        }

        key = new RentedKey(this, base64Spki!, imported);
        return true;
    }

    private void Return(string base64Spki, ECDsa key)
    {
        if (!cache.TryGetValue(base64Spki, out var pool))
        {
            if (Interlocked.Increment(ref count) > MaxKeys)
            {
                cache.Clear();
                Interlocked.Exchange(ref count, 1);
            }

            pool = cache.GetOrAdd(base64Spki, _ => new ConcurrentQueue<ECDsa>());
        }

        if (pool.Count >= MaxPerKey)
        {
            key.Dispose();
            return;
        }

        pool.Enqueue(key);
    }

    /// <summary>A rented key; <see cref="Dispose"/> gives it back.</summary>
    public readonly struct RentedKey : IDisposable
    {
        private readonly PublicKeys owner;
        private readonly string base64Spki;

        internal RentedKey(PublicKeys owner, string base64Spki, ECDsa key)
        {
            this.owner = owner;
            this.base64Spki = base64Spki;
            Key = key;
        }

        /// <summary>The imported public key.</summary>
        public ECDsa Key { get; }

        /// <summary>Returns the key to the cache.</summary>
        public void Dispose()
        {
            if (Key is not null)
            {
                owner.Return(base64Spki, Key);
            }
        }
    }
}
