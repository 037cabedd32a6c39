using System.Security.Cryptography;

namespace OpenVerify.Protocol.Signing;

/// <summary>ECDSA P-256 / SHA-256 signatures in the two encodings the device protocol uses.</summary>
public static class Es256
{
    /// <summary>Signs as JOSE raw r‖s (64 bytes), the encoding of JWT signatures.</summary>
    public static byte[] SignRaw(ECDsa key, ReadOnlySpan<byte> data) =>
        key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>
    /// Verifies a JOSE raw r‖s signature. A 63-byte signature is the iOS SDK's transcoding of an r or
    /// s with two leading zero bytes (docs/protocol/device.md §3.2): it is tried with a zero byte restored
    /// in front of r and in front of s.
    /// </summary>
    public static bool VerifyRaw(ECDsa key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length == 64)
        {
            return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        if (signature.Length != 63)
        {
            return false;
        }

        Span<byte> padded = stackalloc byte[64];
        foreach (var gap in (ReadOnlySpan<int>)[0, 32])
        {
            padded.Clear();
            signature[..gap].CopyTo(padded);
            signature[gap..].CopyTo(padded[(gap + 1)..]);
            if (key.VerifyData(data, padded, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Signs as an ASN.1 DER SEQUENCE{r,s}: the verify-factor AuthPayload encoding.</summary>
    public static byte[] SignDer(ECDsa key, ReadOnlySpan<byte> data) =>
        key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    /// <summary>Verifies an ASN.1 DER signature; false (never an exception) on malformed input.</summary>
    public static bool VerifyDer(ECDsa key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> derSignature)
    {
        try
        {
            return key.VerifyData(data, derSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
