using System.Text;

namespace OpenVerify.TestKit.Devices;

/// <summary>
/// The two SDK form/query encodings (docs/protocol/device.md §1.3). Android: <c>Uri.encode</c>, RFC 3986
/// strict per key and value. iOS: <c>urlQueryAllowed</c> minus <c>+</c> applied to the whole
/// <c>name=value</c> string, so <c>/ = : , &amp; ? @</c> stay raw inside values.
/// </summary>
public static class FormEncoding
{
    private const string AndroidUnreserved = "_-!.~'()*";
    private const string IosAllowed = "!$&'()*,-./:;=?@_~";

    /// <summary>Encodes pairs as the given SDK would.</summary>
    public static string Encode(DeviceFlavour flavour, IEnumerable<KeyValuePair<string, string>> pairs) => flavour switch
    {
        DeviceFlavour.Android => string.Join("&", pairs.Select(p => Android(p.Key) + "=" + Android(p.Value))),
        _ => string.Join("&", pairs.Select(p => Ios(p.Key + "=" + p.Value))),
    };

    /// <summary>Android <c>Uri.encode</c>: everything outside <c>A-Za-z0-9_-!.~'()*</c> is percent-encoded.</summary>
    public static string Android(string value) => Escape(value, c => char.IsAsciiLetterOrDigit(c) || AndroidUnreserved.Contains(c));

    /// <summary>iOS <c>addingPercentEncoding(withAllowedCharacters: urlQueryAllowed - "+")</c>.</summary>
    public static string Ios(string value) => Escape(value, c => char.IsAsciiLetterOrDigit(c) || IosAllowed.Contains(c));

    private static string Escape(string value, Func<char, bool> keep)
    {
        var builder = new StringBuilder(value.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (b < 0x80 && keep(c))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
