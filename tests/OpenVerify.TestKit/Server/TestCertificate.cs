using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenVerify.TestKit.Server;

/// <summary>A self-signed server certificate for 127.0.0.1 and localhost, as PFX (for Kestrel) and PEM (for the device).</summary>
public static class TestCertificate
{
    public const string Password = "e2e-test";

    /// <summary>Writes <c>server.pfx</c> and <c>server.pem</c> into <paramref name="directory"/>; returns both paths and the certificate.</summary>
    public static (string PfxPath, string PemPath, X509Certificate2 Certificate) Write(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=OpenVerify end-to-end test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        var pfxPath = Path.Combine(directory, "server.pfx");
        var pemPath = Path.Combine(directory, "server.pem");
        File.WriteAllBytes(pfxPath, certificate.Export(X509ContentType.Pfx, Password));
        File.WriteAllText(pemPath, certificate.ExportCertificatePem());
        return (pfxPath, pemPath, X509CertificateLoader.LoadCertificate(certificate.RawData));
    }
}
