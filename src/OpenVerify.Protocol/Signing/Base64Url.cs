namespace OpenVerify.Protocol.Signing;

/// <summary>base64url without padding (RFC 7515 §2).</summary>
/// <remarks>Hand-written because System.Buffers.Text.Base64Url is not in net8.0, which this library targets.</remarks>
public static class Base64Url
{
    /// <summary>Encodes bytes as base64url without padding.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes base64url (padding optional); false on any character outside the alphabet.</summary>
    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length % 4 == 1)
        {
            return false;
        }

        var chars = new char[text.Length + ((4 - (text.Length % 4)) % 4)];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            chars[i] = c switch
            {
                '-' => '+',
                '_' => '/',
                '+' or '/' => '\0',
                _ => c,
            };
            if (chars[i] == '\0')
            {
                return false;
            }
        }

        for (var i = text.Length; i < chars.Length; i++)
        {
            chars[i] = '=';
        }

        try
        {
            bytes = Convert.FromBase64CharArray(chars, 0, chars.Length);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
