using System.Text;

namespace OpenVerify.Client;

/// <summary>
/// Form bodies and query strings as the Android SDK writes them (docs/protocol/device.md §1.3).
/// </summary>
internal static class FormEncoding
{
    // Note: Android's Uri.encode keeps A-Z a-z 0-9 and _-!.~'()* and percent-encodes everything
    // else as UTF-8 with upper-case hex, so space is %20 and + is %2B (never a raw +).
    private const string Unreserved = "_-!.~'()*";

    /// <summary>Encodes name/value pairs in the given order as <c>n1=v1&amp;n2=v2</c>.</summary>
    public static string Encode(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            AppendEscaped(builder, name);
            builder.Append('=');
            AppendEscaped(builder, value);
        }

        return builder.ToString();
    }

    /// <summary>Percent-encodes one name or value.</summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        AppendEscaped(builder, text);
        return builder.ToString();
    }

    private static void AppendEscaped(StringBuilder builder, string text)
    {
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || Unreserved.Contains(c)))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
