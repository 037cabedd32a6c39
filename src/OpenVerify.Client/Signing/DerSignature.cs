using System.Formats.Asn1;

namespace OpenVerify.Client;

/// <summary>Turns a key store's DER ECDSA signature into the JOSE raw r‖s form JWTs carry.</summary>
internal static class DerSignature
{
    private const int FieldSize = 32;

    /// <summary>
    /// Converts DER SEQUENCE{r, s} to 64 bytes r‖s: leading zeros stripped, each left-padded to
    /// 32 bytes. Always 64 bytes, as the Android SDK produces (docs/protocol/device.md §3.2).
    /// </summary>
    /// <exception cref="FormatException">The input is not a P-256 DER signature.</exception>
    public static byte[] ToRaw(ReadOnlySpan<byte> der)
    {
        try
        {
            var reader = new AsnReader(der.ToArray(), AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var r = sequence.ReadIntegerBytes().Span;
            var s = sequence.ReadIntegerBytes().Span;
            sequence.ThrowIfNotEmpty();

            var raw = new byte[2 * FieldSize];
            CopyUnsigned(r, raw.AsSpan(0, FieldSize));
            CopyUnsigned(s, raw.AsSpan(FieldSize, FieldSize));
            return raw;
        }
        catch (AsnContentException e)
        {
            throw new FormatException("Invalid ECDSA signature format", e);
        }
    }

    private static void CopyUnsigned(ReadOnlySpan<byte> integer, Span<byte> field)
    {
        var trimmed = integer.TrimStart((byte)0);
        if (trimmed.Length > field.Length)
        {
            throw new FormatException("Invalid ECDSA signature format");
        }

        trimmed.CopyTo(field[(field.Length - trimmed.Length)..]);
    }
}
