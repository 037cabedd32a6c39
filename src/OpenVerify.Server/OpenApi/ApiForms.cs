namespace OpenVerify.Server.OpenApi;

/// <summary>One form (or query) parameter of an operation, as the handlers read it through <c>VerifyForm</c>.</summary>
internal sealed record FormField(string Name, string Type, string Description, bool Required = false);

/// <summary>
/// The form and query parameters of every operation, keyed <c>METHOD /path</c>. Note: the handlers
/// read Twilio's form fields through <c>VerifyForm</c> (dotted names, repeated keys, JSON values),
/// which the OpenAPI generator cannot see, so they are listed here; a test checks that every
/// documented operation is mapped and every mapped one documented.
/// </summary>
internal static class ApiForms
{
    private const string Str = "string";
    private const string Int = "integer";
    private const string Bool = "boolean";

    private static readonly FormField[] Paging =
    [
        new("PageSize", Int, "Items per page (1–1000, default 50)"),
        new("Page", Int, "Page number, from 0 (with PageToken from the previous page)"),
        new("PageToken", Str, "The page token from the previous page's next_page_url"),
    ];

    private static readonly FormField[] ServiceFields =
    [
        new("CodeLength", Int, "Accepted for compatibility (4–10)"),
        new("LookupEnabled", Bool, "Accepted for compatibility"),
        new("SkipSmsToLandlines", Bool, "Accepted for compatibility"),
        new("DtmfInputRequired", Bool, "Accepted for compatibility"),
        new("TtsName", Str, "Accepted for compatibility"),
        new("DoNotShareWarningEnabled", Bool, "Accepted for compatibility"),
        new("CustomCodeEnabled", Bool, "Accepted for compatibility"),
        new("Push.IncludeDate", Bool, "Put date_created into the push payload (deprecated by Twilio)"),
        new("Push.ApnCredentialSid", Str, "CR… of an APNs credential from /v1/Credentials"),
        new("Push.FcmCredentialSid", Str, "CR… of an FCM credential from /v1/Credentials"),
        new("Push.HideMessage", Bool, "Send pushes without the challenge message (OpenVerify)"),
        new("Totp.Issuer", Str, "Issuer in a totp factor's Key URI (default: the service's name)"),
        new("Totp.TimeStep", Int, "Default Config.TimeStep of new totp factors (20–60 s)"),
        new("Totp.CodeLength", Int, "Default Config.CodeLength of new totp factors (3–8)"),
        new("Totp.Skew", Int, "Default Config.Skew of new totp factors (0–2)"),
        new("DefaultTemplateSid", Str, "Accepted for compatibility (HJ…)"),
        new("Whatsapp.MsgServiceSid", Str, "Accepted for compatibility (MG…)"),
        new("Whatsapp.From", Str, "Accepted for compatibility"),
        new("Passkeys.RelyingParty.Id", Str, "Accepted for compatibility"),
        new("Passkeys.RelyingParty.Name", Str, "Accepted for compatibility"),
        new("Passkeys.RelyingParty.Origins", Str, "Accepted for compatibility"),
        new("Passkeys.AuthenticatorAttachment", Str, "Accepted for compatibility"),
        new("Passkeys.DiscoverableCredentials", Str, "Accepted for compatibility"),
        new("Passkeys.UserVerification", Str, "Accepted for compatibility"),
        new("VerifyEventSubscriptionEnabled", Bool, "Accepted for compatibility"),
    ];

    private static readonly FormField[] FactorConfig =
    [
        new("FriendlyName", Str, "The factor's name, shown in the device's list"),
        new("Config.NotificationPlatform", Str, "apn, fcm or none"),
        new("Config.NotificationToken", Str, "The device's push token (required unless the platform is none)"),
        new("Config.SdkVersion", Str, "The device SDK's version"),
        new("Config.AppId", Str, "The app's bundle or package id"),
    ];

    private static readonly FormField[] TotpConfig =
    [
        new("Config.Alg", Str, "totp: sha1, sha256 or sha512"),
        new("Config.TimeStep", Int, "totp: seconds per code (20–60)"),
        new("Config.CodeLength", Int, "totp: digits (3–8)"),
        new("Config.Skew", Int, "totp: steps accepted either side of now (0–2)"),
    ];

    private static readonly FormField[] WebhookFields =
    [
        new("FriendlyName", Str, "The webhook's name"),
        new("EventTypes", Str, "Repeat for each event type: factor.created, factor.verified, factor.deleted, factor.locked, challenge.approved, challenge.denied (or *)"),
        new("WebhookUrl", Str, "Where events are POSTed"),
        new("Status", Str, "enabled or disabled"),
        new("Version", Str, "v1 or v2"),
    ];

    private static readonly FormField[] CredentialFields =
    [
        new("FriendlyName", Str, "The credential's name"),
        new("Certificate", Str, "APNs: a certificate (PEM), with PrivateKey"),
        new("PrivateKey", Str, "APNs: the private key (PEM) of Certificate"),
        new("KeyId", Str, "APNs token auth: the key id (Secret is then the .p8 key)"),
        new("TeamId", Str, "APNs token auth: the team id"),
        new("Sandbox", Bool, "APNs: send to the sandbox"),
        new("Secret", Str, "FCM: the service-account JSON; APNs token auth: the .p8 key (PEM)"),
    ];

    /// <summary>Form parameters (POST bodies, <c>application/x-www-form-urlencoded</c>).</summary>
    public static readonly IReadOnlyDictionary<string, FormField[]> Bodies = new Dictionary<string, FormField[]>
    {
        ["POST /v2/Services"] = [new("FriendlyName", Str, "The service's name (shown in pushes)", Required: true), .. ServiceFields],
        ["POST /v2/Services/{sid}"] = [new("FriendlyName", Str, "The service's name"), .. ServiceFields],
        ["POST /v2/Services/{serviceSid}/Entities"] = [new("Identity", Str, "Your user's id (no personal data), 8–64 characters", Required: true)],
        ["POST /v2/Services/{serviceSid}/AccessTokens"] =
        [
            new("Identity", Str, "The user the device enrols for", Required: true),
            new("FactorType", Str, "push", Required: true),
            new("FactorFriendlyName", Str, "Accepted for compatibility"),
            new("Ttl", Int, "Lifetime in seconds (60–300, default 60)"),
        ],
        ["POST /v2/Services/{serviceSid}/Entities/{identity}/Factors"] =
        [
            new("FactorType", Str, "push or totp", Required: true),
            new("Binding.Alg", Str, "push: ES256 (required)"),
            new("Binding.PublicKey", Str, "push: the device's P-256 public key (base64 DER SubjectPublicKeyInfo) (required)"),
            new("Binding.Secret", Str, "totp: a Base32 secret (default: one is generated)"),
            .. FactorConfig,
            .. TotpConfig,
            new("Metadata", Str, "A JSON object of strings"),
        ],
        ["POST /v2/Services/{serviceSid}/Entities/{identity}/Factors/{sid}"] =
        [
            new("AuthPayload", Str, "Verifies the factor: push, base64 DER ECDSA signature over the factor SID; totp, the current code"),
            .. FactorConfig,
            .. TotpConfig,
        ],
        ["POST /v2/Services/{serviceSid}/Entities/{identity}/Challenges"] =
        [
            new("FactorSid", Str, "YF… of a verified push or totp factor", Required: true),
            new("ExpirationDate", Str, "yyyy-MM-ddTHH:mm:ssZ, at most 60 minutes ahead (default 5 minutes)"),
            new("Details.Message", Str, "Shown to the user (required for push)"),
            new("Details.Fields", Str, "Repeat for each field: a JSON object {\"label\":…, \"value\":…}"),
            new("HiddenDetails", Str, "A JSON object of strings, not shown to the user"),
            new("AuthPayload", Str, "totp: the code, which answers the challenge as it is created (not used by push)"),
        ],
        ["POST /v2/Services/{serviceSid}/Entities/{identity}/Challenges/{sid}"] =
        [
            new("AuthPayload", Str, "push: the device's ES256 JWT over the challenge's signature fields; totp: the code", Required: true),
            new("Metadata", Str, "A JSON object of strings, stored with the answer"),
        ],
        ["POST /v2/Services/{serviceSid}/Entities/{identity}/Challenges/{challengeSid}/Notifications"] =
        [
            new("Ttl", Int, "Seconds the push may wait for delivery (0–300; 0 means one attempt)"),
        ],
        ["POST /v2/Services/{serviceSid}/Webhooks"] = WebhookFields.Select(f => f.Name is "FriendlyName" or "EventTypes" or "WebhookUrl" ? f with { Required = true } : f).ToArray(),
        ["POST /v2/Services/{serviceSid}/Webhooks/{sid}"] = WebhookFields,
        ["POST /v1/Credentials"] = [new("Type", Str, "apn or fcm", Required: true), .. CredentialFields],
        ["POST /v1/Credentials/{sid}"] = CredentialFields,
    };

    /// <summary>Query parameters.</summary>
    public static readonly IReadOnlyDictionary<string, FormField[]> Queries = new Dictionary<string, FormField[]>
    {
        ["GET /v2/Services"] = Paging,
        ["GET /v2/Services/{serviceSid}/Entities"] = Paging,
        ["GET /v2/Services/{serviceSid}/Entities/{identity}/Factors"] = Paging,
        ["GET /v2/Services/{serviceSid}/Entities/{identity}/Challenges"] =
        [
            new("FactorSid", Str, "Only this factor's challenges (a device may only list its own)"),
            new("Status", Str, "pending, expired, approved or denied"),
            new("Order", Str, "asc (default) or desc by creation"),
            .. Paging,
        ],
        ["GET /v2/Services/{serviceSid}/Webhooks"] = Paging,
        ["GET /v2/Services/{serviceSid}/Webhooks/{sid}/Deliveries"] = [new("State", Str, "pending, delivered or dead"), .. Paging],
        ["GET /v1/Credentials"] = Paging,
    };
}
