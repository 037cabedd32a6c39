using System.Globalization;

namespace OpenVerify.Server.Factors.Totp;

/// <summary>
/// The Google Authenticator Key URI of a TOTP factor:
/// <c>otpauth://totp/{issuer}:{account}?secret=…&amp;issuer=…&amp;algorithm=SHA1&amp;digits=6&amp;period=30</c>
/// (docs/protocol/rest-api.md §2.3: the label URL-encoded, the issuer also as a parameter).
/// </summary>
public sealed record TotpKeyUri(string Issuer, string Account, string Secret, TotpConfig Config)
{
    /// <summary>The URI text.</summary>
    public override string ToString() =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(Account)}?secret={Secret}&issuer={Uri.EscapeDataString(Issuer)}" +
        $"&algorithm={Config.Alg.ToUpperInvariant()}&digits={Config.CodeLength.ToString(CultureInfo.InvariantCulture)}&period={Config.TimeStep.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Reads a Key URI (for a device holding the secret): label, secret (required, base32),
    /// issuer, and algorithm/digits/period with the format's defaults SHA1/6/30. Null when it is not one.
    /// </summary>
    public static TotpKeyUri? TryParse(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != "otpauth" || !uri.Host.Equals("totp", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var label = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        var colon = label.IndexOf(':', StringComparison.Ordinal);
        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .GroupBy(p => p[0].ToLowerInvariant())
            .ToDictionary(g => g.Key, g => Uri.UnescapeDataString(g.First().ElementAtOrDefault(1) ?? ""));
        if (!query.TryGetValue("secret", out var secret) || Base32.TryDecode(secret) is not { Length: > 0 })
        {
            return null;
        }

        var issuer = query.GetValueOrDefault("issuer") ?? (colon >= 0 ? label[..colon] : "");
        var alg = (query.GetValueOrDefault("algorithm") ?? "SHA1").ToLowerInvariant();
        if (alg is not (TotpAlgorithms.Sha1 or TotpAlgorithms.Sha256 or TotpAlgorithms.Sha512)
            || !int.TryParse(query.GetValueOrDefault("digits") ?? "6", NumberStyles.None, CultureInfo.InvariantCulture, out var digits) || digits is < 1 or > 8
            || !int.TryParse(query.GetValueOrDefault("period") ?? "30", NumberStyles.None, CultureInfo.InvariantCulture, out var period) || period < 1)
        {
            return null;
        }

        return new TotpKeyUri(issuer, colon >= 0 ? label[(colon + 1)..] : label, secret.ToUpperInvariant().TrimEnd('='), new TotpConfig(alg, 0, digits, period));
    }
}
