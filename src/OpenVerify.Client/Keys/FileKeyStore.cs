using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OpenVerify.Client;

/// <summary>
/// The default key store: one file per key in a per-user directory, owner-only (0700 directory,
/// 0600 files on Unix), each private key encrypted with AES-256-GCM under a wrapping key.
/// </summary>
/// <remarks>
/// <para>
/// The wrapping key is either given by the caller (e.g. fetched from an OS keychain) or generated
/// once into a separate owner-only file, <c>wrapping.key</c>, in the same directory. With the
/// generated file the encryption protects key files that are copied, synced or backed up without
/// it, and the file modes keep other local users out; it does <b>not</b> protect against malware
/// or an administrator running as this user, who can read both files. Platform key stores
/// (Android Keystore, iOS Keychain / Secure Enclave) do better; see the package README.
/// </para>
/// <para>The alias is bound to the ciphertext (AES-GCM associated data), so swapping key files fails.</para>
/// </remarks>
public sealed class FileKeyStore : IKeyStore
{
    private const string WrappingKeyFile = "wrapping.key";
    private const string KeyFileSuffix = ".p256.json";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly string directory;
    private readonly byte[]? givenWrappingKey;
    private readonly SemaphoreSlim gate = new(1, 1);
    private byte[]? wrappingKey;

    /// <summary>A store in <paramref name="directory"/> that generates (once) and keeps its wrapping key there.</summary>
    public FileKeyStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        this.directory = directory;
    }

    /// <summary>A store in <paramref name="directory"/> whose keys are encrypted under the given 32-byte wrapping key.</summary>
    public FileKeyStore(string directory, ReadOnlySpan<byte> wrappingKey)
        : this(directory)
    {
        if (wrappingKey.Length != 32)
        {
            throw new ArgumentException("The wrapping key must be 32 bytes (AES-256).", nameof(wrappingKey));
        }

        givenWrappingKey = wrappingKey.ToArray();
    }

    /// <summary>The directory the store writes to.</summary>
    public string DirectoryPath => directory;

    /// <inheritdoc />
    public async Task<byte[]> CreateAsync(string alias, CancellationToken cancellationToken = default)
    {
        var path = KeyPath(alias);
        var kek = await WrappingKeyAsync(cancellationToken).ConfigureAwait(false);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var privateKey = key.ExportPkcs8PrivateKey();
        try
        {
            var sealedKey = Seal(kek, alias, privateKey);
            if (!PrivateFile.TryCreate(path, sealedKey))
            {
                throw new InvalidOperationException($"A key with alias {alias} already exists.");
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }

        return key.ExportSubjectPublicKeyInfo();
    }

    /// <inheritdoc />
    public Task<bool> ContainsAsync(string alias, CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(KeyPath(alias)));

    /// <inheritdoc />
    public async Task<byte[]> SignAsync(string alias, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var path = KeyPath(alias);
        byte[] sealedKey;
        try
        {
            sealedKey = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new KeyNotFoundException($"No key with alias {alias}.", e);
        }

        var kek = await WrappingKeyAsync(cancellationToken).ConfigureAwait(false);
        var privateKey = Open(kek, alias, sealedKey);
        try
        {
            using var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(privateKey, out _);
            return key.SignData(data.Span, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(string alias, CancellationToken cancellationToken = default)
    {
        File.Delete(KeyPath(alias));
        return Task.CompletedTask;
    }

    private string KeyPath(string alias)
    {
        // Note: aliases become file names, so only [A-Za-z0-9_-] is allowed (no path traversal).
        if (string.IsNullOrEmpty(alias) || alias.Length > 64 || !alias.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new ArgumentException("A key alias must be 1-64 characters of [A-Za-z0-9_-].", nameof(alias));
        }

        return Path.Combine(directory, alias + KeyFileSuffix);
    }

    private async Task<byte[]> WrappingKeyAsync(CancellationToken cancellationToken)
    {
        if (givenWrappingKey is not null)
        {
            PrivateFile.EnsureDirectory(directory);
            return givenWrappingKey;
        }

        if (wrappingKey is not null)
        {
            return wrappingKey;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (wrappingKey is null)
            {
                PrivateFile.EnsureDirectory(directory);
                var path = Path.Combine(directory, WrappingKeyFile);
                var fresh = RandomNumberGenerator.GetBytes(32);
                // Note: CreateNew semantics, so two processes starting together agree on one key.
                if (!PrivateFile.TryCreate(path, fresh))
                {
                    CryptographicOperations.ZeroMemory(fresh);
                    fresh = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
                    if (fresh.Length != 32)
                    {
                        throw new CryptographicException("The key store's wrapping key file is damaged.");
                    }
                }

                wrappingKey = fresh;
            }

            return wrappingKey;
        }
        finally
        {
            gate.Release();
        }
    }

    private static byte[] Seal(byte[] kek, string alias, byte[] plaintext)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagSize];
        using (var aes = new AesGcm(kek, TagSize))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(alias));
        }

        return JsonSerializer.SerializeToUtf8Bytes(
            new SealedKey(1, "A256GCM", Convert.ToBase64String(nonce), Convert.ToBase64String(ciphertext), Convert.ToBase64String(tag)),
            KeyStoreJsonContext.Default.SealedKey);
    }

    private static byte[] Open(byte[] kek, string alias, byte[] file)
    {
        try
        {
            var sealedKey = JsonSerializer.Deserialize(file, KeyStoreJsonContext.Default.SealedKey)
                ?? throw new CryptographicException("The key file is empty.");
            if (sealedKey.Version != 1 || sealedKey.Alg != "A256GCM")
            {
                throw new CryptographicException("The key file has an unknown format.");
            }

            var ciphertext = Convert.FromBase64String(sealedKey.Ciphertext);
            var plaintext = new byte[ciphertext.Length];
            using var aes = new AesGcm(kek, TagSize);
            aes.Decrypt(Convert.FromBase64String(sealedKey.Nonce), ciphertext, Convert.FromBase64String(sealedKey.Tag), plaintext, AssociatedData(alias));
            return plaintext;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new CryptographicException("The key file is damaged.", e);
        }
    }

    private static byte[] AssociatedData(string alias) => Encoding.UTF8.GetBytes("openverify-key:v1:" + alias);
}
