using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace OpenVerify.Server.Tests.Delivery.Push;

/// <summary>Throwaway key material made per test: a Firebase service account, an APNs .p8 key, TLS certificates.</summary>
public sealed class TestKeys : IDisposable
{
    /// <summary>Firebase project of the service account.</summary>
    public const string ProjectId = "openverify-test";

    /// <summary>Service-account e-mail (the assertion's iss).</summary>
    public const string ClientEmail = "push@openverify-test.iam.gserviceaccount.com";

    /// <summary>APNs key id (JWT kid).</summary>
    public const string ApnsKeyId = "ABC123DEFG";

    /// <summary>Apple team id (JWT iss).</summary>
    public const string TeamId = "TEAM123456";

    /// <summary>The service account's RSA key; the token stand-in verifies assertions with it.</summary>
    public RSA ServiceAccountKey { get; } = RSA.Create(2048);

    /// <summary>The APNs auth key; the APNs stand-in verifies provider JWTs with it.</summary>
    public ECDsa ApnsKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The APNs stand-in's self-signed TLS certificate.</summary>
    public X509Certificate2 ApnsServerCertificate { get; } = SelfSigned("CN=localhost", server: true);

    /// <summary>An APNs client (provider) certificate for certificate authentication.</summary>
    public X509Certificate2 ApnsClientCertificate { get; } = SelfSigned("CN=com.example.app", server: false);

    /// <summary>The service-account JSON as the Firebase console gives it.</summary>
    public string ServiceAccountJson => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["type"] = "service_account",
        ["project_id"] = ProjectId,
        ["private_key_id"] = "key-1",
        ["private_key"] = ServiceAccountKey.ExportPkcs8PrivateKeyPem(),
        ["client_email"] = ClientEmail,
        ["client_id"] = "1234567890",
        ["token_uri"] = "https://oauth2.googleapis.com/token",
    });

    /// <summary>The .p8 file's content.</summary>
    public string ApnsP8 => ApnsKey.ExportPkcs8PrivateKeyPem();

    /// <summary>SHA-256 hex of the APNs stand-in's certificate (OpenVerify:Push:ApnsTrustedCertificateThumbprint).</summary>
    public string ApnsServerThumbprint => Convert.ToHexString(ApnsServerCertificate.GetCertHash(HashAlgorithmName.SHA256));

    private static X509Certificate2 SelfSigned(string subject, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        }
        else
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        }

        // Real now, not the tests' fake clock: TLS checks validity against the machine's clock.
        var notBefore = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var certificate = request.CreateSelfSigned(notBefore, notBefore.AddYears(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    /// <summary>PEM of a certificate.</summary>
    public static string CertificatePem(X509Certificate2 certificate) => certificate.ExportCertificatePem();

    /// <summary>PEM of a certificate's private key.</summary>
    public static string PrivateKeyPem(X509Certificate2 certificate) => certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();

    /// <inheritdoc />
    public void Dispose()
    {
        ServiceAccountKey.Dispose();
        ApnsKey.Dispose();
        ApnsServerCertificate.Dispose();
        ApnsClientCertificate.Dispose();
    }
}
