using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenVerify.Server.Hosting;

namespace OpenVerify.Server.Secrets;

/// <summary>Settings of the <c>OpenVerify:Secrets</c> section.</summary>
public sealed class SecretOptions : IValidatableObject
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "OpenVerify:Secrets";

    /// <summary>
    /// Base64 of 32 random bytes: the AES-256 key that seals secrets at rest (push credentials,
    /// webhook signing secrets). When absent, a key
    /// file (<see cref="KeyFileName"/>) in the data directory is used, created on first use.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>The key file's name inside the data directory.</summary>
    public const string KeyFileName = "secrets.key";

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Key is not null && SecretBox.TryDecodeKey(Key) is null)
        {
            yield return new ValidationResult("OpenVerify:Secrets:Key must be the base64 of exactly 32 bytes", [nameof(Key)]);
        }
    }
}

/// <summary>
/// Seals secrets at rest with AES-256-GCM: push credentials and webhook signing secrets. Note: push
/// credentials can reach every user's device and webhook secrets vouch for the server, so they are encrypted rather than stored as sent: a copy of the database alone (a backup, a
/// replica, a stolen file, a PostgreSQL dump) must not give them away. The key therefore lives
/// apart from the database: in configuration (<c>OpenVerify:Secrets:Key</c>, fed from a secret store
/// or the environment), or else in a key file the server creates in the data directory with
/// owner-only permissions (0600), so a single-node install is safe by default with no set-up.
/// Someone who can read the whole data directory as the server's user can read the key too; set
/// the key from a secret store when that matters. Each sealed value is bound to its owner's id
/// (associated data), so a sealed secret copied onto another row does not open.
/// </summary>
public sealed class SecretBox
{
    private const string Version = "v1.";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly Lazy<byte[]> key;

    /// <summary>Creates the box; the key is loaded (or the key file created) on first use.</summary>
    public SecretBox(IOptions<SecretOptions> secrets, IOptions<OpenVerifyOptions> options, ILogger<SecretBox>? logger = null)
    {
        key = new Lazy<byte[]>(() =>
        {
            if (secrets.Value.Key is { } configured)
            {
                return TryDecodeKey(configured) ?? throw new InvalidOperationException("OpenVerify:Secrets:Key must be the base64 of exactly 32 bytes");
            }

            var file = Path.Combine(options.Value.DataDirectory, SecretOptions.KeyFileName);
            if (options.Value.Storage != "sqlite")
            {
                // Instances sharing a database must share the key; a key file per instance would not open the others' secrets.
                logger?.LogWarning("Secrets are sealed with the key file {File}; every instance sharing this database needs the same key: set OpenVerify:Secrets:Key", file);
            }

            return LoadOrCreateKeyFile(file);
        });
    }

    /// <summary>Encrypts <paramref name="plaintext"/> bound to <paramref name="owner"/> (e.g. a CR SID).</summary>
    public string Seal(string plaintext, string owner)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + TagSize + data.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Value, TagSize);
        aes.Encrypt(nonce, data, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(owner));
        return Version + Convert.ToBase64String(output);
    }

    /// <summary>Decrypts a value sealed for <paramref name="owner"/>; throws <see cref="CryptographicException"/> when it does not open.</summary>
    public string Open(string sealedValue, string owner)
    {
        if (!sealedValue.StartsWith(Version, StringComparison.Ordinal))
        {
            throw new CryptographicException("Unknown sealed-secret format");
        }

        var input = Convert.FromBase64String(sealedValue[Version.Length..]);
        if (input.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("Sealed secret is truncated");
        }

        var plaintext = new byte[input.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key.Value, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize + TagSize), input.AsSpan(NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(owner));
        return Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>The 32 key bytes of a base64 key, or null.</summary>
    public static byte[]? TryDecodeKey(string base64)
    {
        try
        {
            var bytes = Convert.FromBase64String(base64.Trim());
            return bytes.Length == 32 ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static byte[] LoadOrCreateKeyFile(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var fresh = RandomNumberGenerator.GetBytes(32);
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            try
            {
                using var stream = new FileStream(path, create);
                using var writer = new StreamWriter(stream);
                writer.Write(Convert.ToBase64String(fresh));
                return fresh;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first; use theirs.
            }
        }

        return TryDecodeKey(File.ReadAllText(path)) ?? throw new InvalidOperationException($"The key file {path} does not hold the base64 of 32 bytes");
    }
}
