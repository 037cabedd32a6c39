using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Credentials;

/// <summary>
/// Create/Update Credential parameters. Twilio's names: <c>Type</c> (fcm | apn), <c>FriendlyName</c>,
/// <c>Secret</c>, <c>Certificate</c>, <c>PrivateKey</c>, <c>Sandbox</c>. OpenVerify adds <c>KeyId</c> and
/// <c>TeamId</c> for APNs token authentication, where <c>Secret</c> is the .p8 key (PEM).
/// The material is checked here, so a credential that could never send is refused at once.
/// </summary>
public static class CredentialForms
{
    /// <summary>Longest friendly name accepted.</summary>
    public const int MaxFriendlyName = 64;

    private const int MaxSecret = 16 * 1024;

    /// <summary>What a create request carries.</summary>
    public sealed record Input(string Type, string? FriendlyName, bool Sandbox, PushSecret Secret);

    /// <summary>
    /// What an update request carries; null is "not sent", for each member of <paramref name="Sent"/> too.
    /// The type never changes, so new material is checked against the credential's own.
    /// </summary>
    public sealed record UpdateInput(string? FriendlyName, bool? Sandbox, PushSecret Sent)
    {
        /// <summary>True when the update sends key material.</summary>
        public bool ChangesSecret => Sent != new PushSecret();

        /// <summary>
        /// The material after the update: what was sent over <paramref name="current"/>. Sending a .p8
        /// (<c>Secret</c> without <c>Certificate</c>) switches an APNs certificate credential to token authentication.
        /// </summary>
        public PushSecret SecretOver(PushSecret current, string type)
        {
            var secret = new PushSecret(
                Sent.Secret ?? current.Secret,
                Sent.KeyId ?? current.KeyId,
                Sent.TeamId ?? current.TeamId,
                Sent.Certificate ?? current.Certificate,
                Sent.PrivateKey ?? current.PrivateKey);
            return Sent.Certificate is null && Sent.Secret is not null && type == PushCredentialTypes.Apn
                ? secret with { Certificate = null, PrivateKey = null }
                : secret;
        }
    }

    /// <summary>Reads and checks a create form.</summary>
    public static Input ReadCreate(VerifyForm form)
    {
        var type = form.Get("Type") is { Length: > 0 } t ? t : throw ErrorCatalogue.MissingParameter("Type");
        var input = new Input(type, form.Text("FriendlyName", MaxFriendlyName), form.Bool("Sandbox") ?? false, ReadSent(form));
        Check(input);
        return input;
    }

    /// <summary>Reads an update form: <c>FriendlyName</c> (sent empty, it clears the name), <c>Sandbox</c>, then the material; checked once applied (<see cref="Check"/>).</summary>
    public static UpdateInput ReadUpdate(VerifyForm form) => new(
        form.Has("FriendlyName") ? form.Text("FriendlyName", MaxFriendlyName) ?? "" : null,
        form.Bool("Sandbox"),
        ReadSent(form));

    /// <summary>The material sent; a member not sent is null.</summary>
    private static PushSecret ReadSent(VerifyForm form) => new(
        form.Text("Secret", MaxSecret),
        form.Text("KeyId", 64),
        form.Text("TeamId", 64),
        form.Text("Certificate", MaxSecret),
        form.Text("PrivateKey", MaxSecret));

    /// <summary>Refuses a type it cannot send with, or material that does not parse.</summary>
    public static void Check(Input input)
    {
        switch (input.Type)
        {
            case PushCredentialTypes.Fcm:
                ReadServiceAccount(input.Secret.Secret ?? throw ErrorCatalogue.MissingParameter("Secret"));
                break;
            case PushCredentialTypes.Apn when input.Secret.UsesCertificate:
                CheckCertificate(input.Secret);
                break;
            case PushCredentialTypes.Apn:
                CheckTokenKey(input.Secret);
                break;
            case "gcm":
                throw ErrorCatalogue.InvalidParameter("Type", "gcm (legacy GCM server keys) is not supported; use fcm with a service-account JSON");
            default:
                throw ErrorCatalogue.InvalidParameter("Type", "must be one of fcm, apn");
        }
    }

    /// <summary>A Firebase service account: the fields FCM HTTP v1 needs.</summary>
    public sealed record ServiceAccount(string ProjectId, string ClientEmail, string PrivateKey, string? PrivateKeyId);

    /// <summary>Parses a service-account JSON (as downloaded from the Firebase console).</summary>
    public static ServiceAccount ReadServiceAccount(string json)
    {
        const string Expected = "must be a Firebase service-account JSON with an RSA private_key";
        if (!StrictJson.TryParse(json, out var document))
        {
            throw ErrorCatalogue.InvalidParameter("Secret", Expected);
        }

        using (document)
        {
            try
            {
                var root = document.RootElement;
                string? Field(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                if (Field("type") is { } kind && kind != "service_account")
                {
                    throw ErrorCatalogue.InvalidParameter("Secret", "must be a service-account JSON (type service_account)");
                }

                var account = new ServiceAccount(
                    Field("project_id") ?? throw ErrorCatalogue.InvalidParameter("Secret", "the service-account JSON has no project_id"),
                    Field("client_email") ?? throw ErrorCatalogue.InvalidParameter("Secret", "the service-account JSON has no client_email"),
                    Field("private_key") ?? throw ErrorCatalogue.InvalidParameter("Secret", "the service-account JSON has no private_key"),
                    Field("private_key_id"));
                using var rsa = RSA.Create();
                rsa.ImportFromPem(account.PrivateKey);
                return account;
            }
            catch (Exception e) when (e is JsonException or ArgumentException or CryptographicException)
            {
                throw ErrorCatalogue.InvalidParameter("Secret", Expected);
            }
        }
    }

    /// <summary>The APNs signing key of a token-auth credential.</summary>
    public static ECDsa ReadTokenKey(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256)
            {
                throw new CryptographicException("not P-256");
            }

            return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw ErrorCatalogue.InvalidParameter("Secret", "must be the APNs .p8 auth key (PEM, P-256)");
        }
    }

    private static void CheckTokenKey(PushSecret secret)
    {
        using var key = ReadTokenKey(secret.Secret ?? throw ErrorCatalogue.MissingParameter("Secret"));
        if (string.IsNullOrWhiteSpace(secret.KeyId))
        {
            throw ErrorCatalogue.MissingParameter("KeyId");
        }

        if (string.IsNullOrWhiteSpace(secret.TeamId))
        {
            throw ErrorCatalogue.MissingParameter("TeamId");
        }
    }

    private static void CheckCertificate(PushSecret secret)
    {
        if (string.IsNullOrEmpty(secret.PrivateKey))
        {
            throw ErrorCatalogue.MissingParameter("PrivateKey");
        }

        try
        {
            using var certificate = X509Certificate2.CreateFromPem(secret.Certificate, secret.PrivateKey);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw ErrorCatalogue.InvalidParameter("Certificate", "Certificate and PrivateKey must be a matching PEM certificate and key");
        }
    }
}
