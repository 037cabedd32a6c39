using OpenVerify.Protocol.Wire;

namespace OpenVerify.Client;

/// <summary>Reads factor responses (docs/protocol/device.md §5.1) the way the Android SDK does.</summary>
internal static class FactorMapper
{
    /// <summary>
    /// Maps a create or update response. Service SID and identity come from the caller, not the body:
    /// the SDK ignores the server's <c>service_sid</c> and <c>identity</c>.
    /// </summary>
    public static Factor FromApi(string body, string serviceSid, string identity, string keyAlias, string notificationPlatform)
    {
        using var document = JsonFields.ParseObject(body);
        var root = document.RootElement;
        var config = JsonFields.RequiredObject(root, "config");
        return new Factor(
            Sid: JsonFields.RequiredString(root, "sid"),
            FriendlyName: JsonFields.RequiredString(root, "friendly_name"),
            AccountSid: JsonFields.RequiredString(root, "account_sid"),
            ServiceSid: serviceSid,
            Identity: identity,
            Status: Status(JsonFields.RequiredString(root, "status")),
            CreatedAt: JsonFields.RequiredDate(root, "date_created"),
            CredentialSid: JsonFields.RequiredString(config, "credential_sid"),
            NotificationPlatform: notificationPlatform,
            KeyAlias: keyAlias,
            Metadata: JsonFields.OptionalStringMap(root, "metadata"));
    }

    /// <summary>Reads only <c>status</c>, the one field the SDK uses from the verify answer.</summary>
    public static FactorStatus StatusFromApi(string body)
    {
        using var document = JsonFields.ParseObject(body);
        return Status(JsonFields.RequiredString(document.RootElement, "status"));
    }

    // Note: Android maps any status other than "verified" to unverified (iOS refuses unknown values).
    private static FactorStatus Status(string value) =>
        value == FactorStatuses.Verified ? FactorStatus.Verified : FactorStatus.Unverified;

    /// <summary>The wire string of a status.</summary>
    public static string ToWire(FactorStatus status) =>
        status == FactorStatus.Verified ? FactorStatuses.Verified : FactorStatuses.Unverified;
}
