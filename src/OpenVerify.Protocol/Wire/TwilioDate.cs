using System.Globalization;

namespace OpenVerify.Protocol.Wire;

/// <summary>
/// The only date form the Verify API emits: ISO 8601 UTC with whole seconds and a literal Z
/// (<c>2020-07-16T20:46:34Z</c>). Android's parser rejects fractions and positive offsets.
/// </summary>
public static class TwilioDate
{
    /// <summary>The exact wire format.</summary>
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>Formats an instant as <c>yyyy-MM-ddTHH:mm:ssZ</c> in UTC.</summary>
    public static string ToWire(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>Formats Unix seconds as <c>yyyy-MM-ddTHH:mm:ssZ</c>.</summary>
    public static string ToWire(long unixSeconds) => ToWire(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

    /// <summary>
    /// Parses an ISO 8601 / RFC 3339 date-time with an explicit offset or Z. Dates without a zone
    /// are refused: the caller must say which instant it means.
    /// </summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40)
        {
            return false;
        }

        var t = text.Trim();
        var last = t[^1];
        var hasZone = last is 'Z' or 'z' || (t.Length > 6 && (t[^6] is '+' or '-') && t[^3] == ':');
        if (!hasZone || t.Length < 20 || t[10] is not ('T' or 't'))
        {
            return false;
        }

        return DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out value);
    }
}
