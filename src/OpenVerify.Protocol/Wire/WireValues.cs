namespace OpenVerify.Protocol.Wire;

/// <summary>Challenge status strings on the wire.</summary>
public static class ChallengeStatuses
{
    /// <summary>Waiting for the device.</summary>
    public const string Pending = "pending";
    /// <summary>Past its expiration date without an answer.</summary>
    public const string Expired = "expired";
    /// <summary>Approved by the device.</summary>
    public const string Approved = "approved";
    /// <summary>Denied by the device.</summary>
    public const string Denied = "denied";

    /// <summary>True for one of the four statuses.</summary>
    public static bool IsKnown(string? value) => value is Pending or Expired or Approved or Denied;
}

/// <summary>Factor status strings on the wire.</summary>
public static class FactorStatuses
{
    /// <summary>Created, not yet proven by a signature.</summary>
    public const string Unverified = "unverified";
    /// <summary>Proven: the device signed its own SID.</summary>
    public const string Verified = "verified";
}

/// <summary>Factor types on the wire (<c>factor_type</c>).</summary>
public static class FactorTypes
{
    /// <summary>A device key that signs approvals.</summary>
    public const string Push = "push";
    /// <summary>A shared secret that generates RFC 6238 codes.</summary>
    public const string Totp = "totp";
}

/// <summary>Notification platforms a push factor may name.</summary>
public static class NotificationPlatforms
{
    /// <summary>Apple Push Notification service.</summary>
    public const string Apn = "apn";
    /// <summary>Firebase Cloud Messaging.</summary>
    public const string Fcm = "fcm";
    /// <summary>No push: the device polls.</summary>
    public const string None = "none";

    /// <summary>True for apn, fcm or none.</summary>
    public static bool IsKnown(string? value) => value is Apn or Fcm or None;
}

/// <summary>HTTP headers of the device protocol.</summary>
public static class VerifyHeaders
{
    /// <summary>Comma-separated challenge fields the device must sign (docs/protocol/device.md §4).</summary>
    public const string SignatureFields = "Twilio-Verify-Signature-Fields";
    /// <summary>Set on factor update (docs/protocol/rest-api.md §2.4).</summary>
    public const string FactorSignature = "Twilio-Verify-Factor-Signature";
    /// <summary>Set on challenge update (docs/protocol/rest-api.md §2.5).</summary>
    public const string ChallengeSignature = "Twilio-Verify-Challenge-Signature";
}

/// <summary>Constants of the device JWT (docs/protocol/device.md §2).</summary>
public static class DeviceJwt
{
    /// <summary>The Basic user name devices send.</summary>
    public const string BasicUser = "token";
    /// <summary>Content type of device-auth JWTs.</summary>
    public const string ContentType = "twilio-pba;v=1";
    /// <summary>The SDK's JWT lifetime.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
}
