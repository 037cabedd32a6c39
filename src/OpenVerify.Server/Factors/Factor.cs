namespace OpenVerify.Server.Factors;

/// <summary>A factor: a push device's P-256 public key, or a TOTP shared secret, bound to an entity.</summary>
public sealed class Factor
{
    /// <summary>Row id (creation order).</summary>
    public long Id { get; set; }
    /// <summary>YF SID.</summary>
    public string Sid { get; set; } = "";
    /// <summary>Owning account; the device JWT's <c>sub</c>.</summary>
    public string AccountSid { get; set; } = "";
    /// <summary>Owning service.</summary>
    public string ServiceSid { get; set; } = "";
    /// <summary>Owning entity.</summary>
    public string EntitySid { get; set; } = "";
    /// <summary>The entity's identity.</summary>
    public string Identity { get; set; } = "";
    /// <summary>Device name.</summary>
    public string FriendlyName { get; set; } = "";
    /// <summary>push | totp.</summary>
    public string FactorType { get; set; } = "push";
    /// <summary>unverified | verified.</summary>
    public string Status { get; set; } = "unverified";
    /// <summary>The device JWT's <c>kid</c> (<c>config.credential_sid</c>).</summary>
    public string CredentialSid { get; set; } = "";
    /// <summary>base64 SPKI DER of the device's public key.</summary>
    public string PublicKey { get; set; } = "";
    /// <summary>ES256.</summary>
    public string BindingAlg { get; set; } = "ES256";
    /// <summary>SDK version the device reported.</summary>
    public string SdkVersion { get; set; } = "";
    /// <summary>App id (FCM package / APNs topic).</summary>
    public string AppId { get; set; } = "";
    /// <summary>apn | fcm | none.</summary>
    public string NotificationPlatform { get; set; } = "none";
    /// <summary>Push token, null when the device polls.</summary>
    public string? NotificationToken { get; set; }
    /// <summary>JSON object of strings, or null.</summary>
    public string? Metadata { get; set; }
    /// <summary>Unix seconds.</summary>
    public long DateCreated { get; set; }
    /// <summary>Unix seconds.</summary>
    public long DateUpdated { get; set; }

    /// <summary>TOTP: the base32 shared secret, sealed by <see cref="Secrets.SecretBox"/> for this SID; null for push.</summary>
    public string? TotpSecret { get; set; }
    /// <summary>TOTP: sha1 | sha256 | sha512.</summary>
    public string? TotpAlg { get; set; }
    /// <summary>TOTP: seconds per step.</summary>
    public int? TotpTimeStep { get; set; }
    /// <summary>TOTP: digits per code.</summary>
    public int? TotpCodeLength { get; set; }
    /// <summary>TOTP: steps accepted either side of the current one.</summary>
    public int? TotpSkew { get; set; }
    /// <summary>TOTP: the time step of the last accepted code; no step up to it is accepted again (replay).</summary>
    public long? TotpLastStep { get; set; }
    /// <summary>TOTP: wrong codes since the last accepted one or the last lock.</summary>
    public int TotpFailures { get; set; }
    /// <summary>TOTP: Unix seconds until which every code is refused (too many wrong ones), or null.</summary>
    public long? TotpLockedUntil { get; set; }

    /// <summary>A copy that can be changed without touching this one.</summary>
    public Factor Copy() => (Factor)MemberwiseClone();
}
