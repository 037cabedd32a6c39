using System.Security.Cryptography;
using System.Text;

namespace OpenVerify.TestKit.Devices;

/// <summary>
/// What the SDKs do with the key store's DER ECDSA signatures (docs/protocol/device.md §3.2): Android
/// transcodes to a fixed 64-byte r‖s; iOS prepends exactly one zero byte to a short component,
/// so a component two bytes short yields a 63-byte signature.
/// </summary>
public static class SdkSignatures
{
    /// <summary>DER ECDSA-SHA256 of <paramref name="data"/> (the key store's output).</summary>
    public static byte[] SignDer(ECDsa key, byte[] data) => key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    /// <summary>Android <c>JwtSigner.transcodeECSignatureToConcat(der, 64)</c>.</summary>
    public static byte[] AndroidConcat(byte[] der)
    {
        var (r, s) = ParseDer(der);
        var output = new byte[64];
        var rt = r.AsSpan().TrimStart((byte)0);
        var st = s.AsSpan().TrimStart((byte)0);
        rt.CopyTo(output.AsSpan(32 - rt.Length));
        st.CopyTo(output.AsSpan(64 - st.Length));
        return output;
    }

    /// <summary>iOS <c>JwtSigner.transcodeECSignatureToConcat</c>: drop extra leading bytes, pad a short component by one zero only.</summary>
    public static byte[] IosConcat(byte[] der)
    {
        var (r, s) = ParseDer(der);
        return [.. IosComponent(r), .. IosComponent(s)];
    }

    /// <summary>
    /// An iOS-style 63-byte signature over <paramref name="data"/>: signs until r or s starts with a zero
    /// byte (about 1 in 128 tries) and leaves that byte out, which is what iOS emits when a component
    /// is one byte shorter than its padding expects.
    /// </summary>
    public static byte[] ForcedShortConcat(ECDsa key, byte[] data)
    {
        for (var attempt = 0; attempt < 100_000; attempt++)
        {
            var full = key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            if (full[0] == 0)
            {
                return full[1..];
            }

            if (full[32] == 0)
            {
                return [.. full[..32], .. full[33..]];
            }
        }

        throw new InvalidOperationException("no short signature found");
    }

    /// <summary>The verify-factor AuthPayload: standard base64 of DER ECDSA over the UTF-8 factor SID (docs/protocol/device.md §3.3).</summary>
    public static string VerifyFactorPayload(ECDsa key, string factorSid) => Convert.ToBase64String(SignDer(key, Encoding.UTF8.GetBytes(factorSid)));

    private static byte[] IosComponent(byte[] component) => component.Length switch
    {
        > 32 => component[(component.Length - 32)..],
        < 32 => [0, .. component],
        _ => component,
    };

    private static (byte[] R, byte[] S) ParseDer(byte[] der)
    {
        var reader = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        var r = sequence.ReadIntegerBytes().ToArray();
        var s = sequence.ReadIntegerBytes().ToArray();
        return (r, s);
    }
}
