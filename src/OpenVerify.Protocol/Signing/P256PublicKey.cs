using System.Security.Cryptography;

namespace OpenVerify.Protocol.Signing;

/// <summary>
/// A device's public key as the SDKs send it in <c>Binding.PublicKey</c>: standard base64 of the
/// X.509 SubjectPublicKeyInfo DER of a P-256 key (91 bytes, 124 characters).
/// </summary>
public static class P256PublicKey
{
    /// <summary>Imports a base64 SPKI P-256 key; false when it is not exactly that.</summary>
    public static bool TryImport(string? base64Spki, out ECDsa key)
    {
        key = null!;
        if (string.IsNullOrEmpty(base64Spki) || base64Spki.Length > 512)
        {
            return false;
        }

        byte[] der;
        try
        {
            der = Convert.FromBase64String(base64Spki);
        }
        catch (FormatException)
        {
            return false;
        }

        var candidate = ECDsa.Create();
        try
        {
            candidate.ImportSubjectPublicKeyInfo(der, out var read);
            var parameters = candidate.ExportParameters(false);
            if (read != der.Length || parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                candidate.Dispose();
                return false;
            }

            key = candidate;
            return true;
        }
        catch (CryptographicException)
        {
            candidate.Dispose();
            return false;
        }
    }

    /// <summary>Exports a key's public half as base64 SPKI, the form the SDKs send.</summary>
    public static string Export(ECDsa key) => Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
}
