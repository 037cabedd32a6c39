namespace OpenVerify.Client;

/// <summary>
/// Where a factor's P-256 private key lives. The key never leaves the store: the client asks it for
/// the public key once (at enrolment) and for signatures afterwards, the way the Android Keystore and
/// the iOS Keychain / Secure Enclave work, so a MAUI app can implement this interface over them.
/// </summary>
public interface IKeyStore
{
    /// <summary>Creates a new P-256 key pair under <paramref name="alias"/> and returns its public key as X.509 SubjectPublicKeyInfo DER.</summary>
    /// <exception cref="InvalidOperationException">A key with this alias already exists.</exception>
    Task<byte[]> CreateAsync(string alias, CancellationToken cancellationToken = default);

    /// <summary>True when a key exists under <paramref name="alias"/>.</summary>
    Task<bool> ContainsAsync(string alias, CancellationToken cancellationToken = default);

    /// <summary>
    /// Signs <paramref name="data"/> with ECDSA P-256 / SHA-256 and returns the ASN.1 DER signature
    /// (SEQUENCE{r, s}), which is what platform key stores produce.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No key exists under <paramref name="alias"/>.</exception>
    Task<byte[]> SignAsync(string alias, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Deletes the key under <paramref name="alias"/>; does nothing when there is none.</summary>
    Task DeleteAsync(string alias, CancellationToken cancellationToken = default);
}
