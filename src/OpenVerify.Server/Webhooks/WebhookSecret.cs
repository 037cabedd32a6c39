using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OpenVerify.Server.Webhooks;

/// <summary>
/// A Standard Webhooks signing secret: <c>whsec_</c> followed by the base64 of 32 random bytes.
/// Receivers use it with any Standard Webhooks library to check <c>webhook-signature</c> and reject replays.
/// </summary>
public static class WebhookSecret
{
    /// <summary>The prefix Standard Webhooks libraries expect.</summary>
    public const string Prefix = "whsec_";

    /// <summary>A new secret.</summary>
    public static string New() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The HMAC key a secret stands for (the base64 part, decoded).</summary>
    public static byte[] KeyOf(string secret) =>
        Convert.FromBase64String(secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret);
}

/// <summary>
/// How secrets are kept at rest: AES-256-GCM under <see cref="WebhookOptions.SecretEncryptionKey"/> with the
/// webhook SID as associated data (a stored secret cannot be moved to another webhook), or as they are when
/// no key is configured. The server must read the secret to sign, so hashing is not an option.
/// </summary>
public sealed class WebhookSecretVault(IOptionsMonitor<WebhookOptions> options)
{
    private const string EncryptedPrefix = "aesgcm:";
    private const int NonceSize = 12, TagSize = 16;

    /// <summary>The form to store.</summary>
    public string Seal(string secret, string webhookSid)
    {
        if (Key() is not { } key)
        {
            return secret;
        }

        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), Encoding.UTF8.GetBytes(webhookSid));
        return EncryptedPrefix + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The secret from its stored form; throws <see cref="CryptographicException"/> when it cannot be decrypted.</summary>
    public string Open(string stored, string webhookSid)
    {
        if (!stored.StartsWith(EncryptedPrefix, StringComparison.Ordinal))
        {
            return stored;
        }

        var key = Key() ?? throw new CryptographicException("the secret is stored encrypted but OpenVerify:Webhooks:SecretEncryptionKey is not set");
        var sealedBytes = Convert.FromBase64String(stored[EncryptedPrefix.Length..]);
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("the stored secret is truncated");
        }

        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), plain, Encoding.UTF8.GetBytes(webhookSid));
        return Encoding.UTF8.GetString(plain);
    }

    private byte[]? Key() => options.CurrentValue.SecretEncryptionKey is { Length: > 0 } text ? Convert.FromBase64String(text) : null;
}
