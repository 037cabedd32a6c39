namespace OpenVerify.Server.Factors.Totp;

/// <summary>
/// RFC 4648 base32 (A–Z, 2–7), written without padding, as authenticator apps and Key URIs expect.
/// Reading accepts lower case and trailing padding, as people type and paste secrets.
/// </summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>Base32 of <paramref name="data"/>, unpadded.</summary>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        var output = new char[(data.Length * 8 + 4) / 5];
        int buffer = 0, bits = 0, index = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                output[index++] = Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            output[index++] = Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(output, 0, index);
    }

    /// <summary>The bytes of a base32 text, or null when it is not base32 (or leaves non-zero spare bits).</summary>
    public static byte[]? TryDecode(string text)
    {
        var trimmed = text.TrimEnd('=');
        var output = new byte[trimmed.Length * 5 / 8];
        int buffer = 0, bits = 0, index = 0;
        foreach (var c in trimmed)
        {
            var value = Alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (value < 0)
            {
                return null;
            }

            buffer = ((buffer << 5) | value) & 0xFFFF;
            bits += 5;
            if (bits >= 8)
            {
                output[index++] = (byte)(buffer >> (bits - 8));
                bits -= 8;
            }
        }

        // Spare bits must be zero, so one secret has exactly one spelling.
        return (buffer & ((1 << bits) - 1)) == 0 ? output : null;
    }
}
