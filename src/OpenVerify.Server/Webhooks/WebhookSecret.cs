using System.Security.Cryptography;

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
