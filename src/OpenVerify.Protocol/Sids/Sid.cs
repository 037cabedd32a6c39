using System.Security.Cryptography;

namespace OpenVerify.Protocol.Sids;

/// <summary>
/// Twilio resource identifiers: a two-letter prefix followed by 32 hexadecimal digits.
/// </summary>
public static class Sid
{
    /// <summary>Length of every SID: prefix (2) + 32 hex digits.</summary>
    public const int Length = 34;

    /// <summary>Creates a new random SID with the given prefix (lower-case hex, 128 random bits).</summary>
    public static string New(string prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return prefix + Convert.ToHexString(bytes).ToLowerInvariant();
    }

    /// <summary>True when <paramref name="value"/> is <paramref name="prefix"/> followed by 32 hex digits.</summary>
    public static bool IsValid(string? value, string prefix)
    {
        if (value is null || value.Length != Length || !value.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        for (var i = 2; i < Length; i++)
        {
            if (!char.IsAsciiHexDigit(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The SID prefixes of the Verify API (docs/protocol/rest-api.md §1.4).</summary>
public static class SidPrefix
{
    /// <summary>Account.</summary>
    public const string Account = "AC";
    /// <summary>API key.</summary>
    public const string ApiKey = "SK";
    /// <summary>Verify Service.</summary>
    public const string Service = "VA";
    /// <summary>Entity.</summary>
    public const string Entity = "YE";
    /// <summary>Factor.</summary>
    public const string Factor = "YF";
    /// <summary>Challenge.</summary>
    public const string Challenge = "YC";
    /// <summary>Notification.</summary>
    public const string Notification = "NT";
    /// <summary>Webhook.</summary>
    public const string Webhook = "YW";
    /// <summary>Access token.</summary>
    public const string AccessToken = "YK";
    /// <summary>Credential: push credentials, and a factor's device-JWT key id.</summary>
    public const string Credential = "CR";
    /// <summary>Message template.</summary>
    public const string Template = "HJ";
    /// <summary>Messaging service.</summary>
    public const string MessagingService = "MG";
}
