using OpenVerify.Server.Secrets;
using System.Text.Json;

namespace OpenVerify.Server.Credentials;

/// <summary>
/// A push credential (Twilio's Credentials resource, <c>CR…</c>): what the server needs to send
/// pushes through FCM or APNs on an account's behalf. The key material is kept sealed
/// (<see cref="SealedSecret"/>) and is never returned by the API.
/// </summary>
public sealed class PushCredential
{
    /// <summary>Row id (creation order).</summary>
    public long Id { get; set; }
    /// <summary>CR SID.</summary>
    public string Sid { get; set; } = "";
    /// <summary>Owning account.</summary>
    public string AccountSid { get; set; } = "";
    /// <summary>Label.</summary>
    public string FriendlyName { get; set; } = "";
    /// <summary><c>fcm</c> or <c>apn</c> (<see cref="PushCredentialTypes"/>).</summary>
    public string Type { get; set; } = "";
    /// <summary>APNs: use the sandbox (development) host.</summary>
    public bool Sandbox { get; set; }
    /// <summary>The <see cref="PushSecret"/> as JSON, sealed by <see cref="SecretBox"/>.</summary>
    public string SealedSecret { get; set; } = "";
    /// <summary>Unix seconds.</summary>
    public long DateCreated { get; set; }
    /// <summary>Unix seconds; also the version senders cache tokens and connections under.</summary>
    public long DateUpdated { get; set; }

    /// <summary>Seals <paramref name="secret"/> into <see cref="SealedSecret"/>, bound to this SID.</summary>
    public void SealSecret(SecretBox box, PushSecret secret) => SealedSecret = box.Seal(JsonSerializer.Serialize(secret), Sid);

    /// <summary>The key material; throws when the sealed value does not open (wrong key, moved row).</summary>
    public PushSecret OpenSecret(SecretBox box) => JsonSerializer.Deserialize<PushSecret>(box.Open(SealedSecret, Sid)) ?? new PushSecret();
}

/// <summary>Credential types (the push platforms).</summary>
public static class PushCredentialTypes
{
    /// <summary>Firebase Cloud Messaging (HTTP v1, service account).</summary>
    public const string Fcm = "fcm";
    /// <summary>Apple Push Notification service (HTTP/2, token or certificate).</summary>
    public const string Apn = "apn";
}

/// <summary>
/// The key material of a credential, as sent. FCM: <paramref name="Secret"/> is the service-account
/// JSON. APNs token auth: <paramref name="Secret"/> is the .p8 PEM, with <paramref name="KeyId"/> and
/// <paramref name="TeamId"/>. APNs certificate auth: <paramref name="Certificate"/> and
/// <paramref name="PrivateKey"/> (PEM).
/// </summary>
public sealed record PushSecret(string? Secret = null, string? KeyId = null, string? TeamId = null, string? Certificate = null, string? PrivateKey = null)
{
    /// <summary>True for APNs certificate (rather than token) authentication.</summary>
    public bool UsesCertificate => !string.IsNullOrEmpty(Certificate);
}
