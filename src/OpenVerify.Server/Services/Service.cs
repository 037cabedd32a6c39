using System.Text.Json;

namespace OpenVerify.Server.Services;

/// <summary>A Verify Service: the configuration that entities, factors and challenges live under.</summary>
public sealed class Service
{
    /// <summary>Row id (creation order).</summary>
    public long Id { get; set; }
    /// <summary>VA SID.</summary>
    public string Sid { get; set; } = "";
    /// <summary>Owning account.</summary>
    public string AccountSid { get; set; } = "";
    /// <summary>Name shown to users in push details.</summary>
    public string FriendlyName { get; set; } = "";
    private string settingsJson = "{}";
    private ServiceSettings? settings;

    /// <summary>Every other setting, as stored (JSON of <see cref="ServiceSettings"/>).</summary>
    public string SettingsJson
    {
        get => settingsJson;
        set
        {
            settingsJson = value;
            settings = null;
        }
    }
    /// <summary>Unix seconds.</summary>
    public long DateCreated { get; set; }
    /// <summary>Unix seconds.</summary>
    public long DateUpdated { get; set; }

    /// <summary>
    /// The parsed settings, parsed once. Read-only by convention: to change them, assign a changed
    /// <see cref="ServiceSettings.Copy"/>.
    /// </summary>
    public ServiceSettings Settings
    {
        get => settings ??= JsonSerializer.Deserialize<ServiceSettings>(settingsJson) ?? new ServiceSettings();
        set => SettingsJson = JsonSerializer.Serialize(value);
    }

    /// <summary>A copy that can be changed without touching this one (the parsed settings are shared, see <see cref="Settings"/>).</summary>
    public Service Copy() => (Service)MemberwiseClone();
}

/// <summary>
/// Service settings. Push settings drive behaviour; the SMS, TOTP, WhatsApp and passkey settings are
/// stored and echoed so that Twilio clients round-trip them (docs/protocol/rest-api.md §2.1).
/// </summary>
public sealed class ServiceSettings
{
    /// <summary>A copy to change (every setting is a value or a string).</summary>
    public ServiceSettings Copy() => (ServiceSettings)MemberwiseClone();

    /// <summary>SMS/voice code length, 4–10.</summary>
    public int CodeLength { get; set; } = 6;
    /// <summary>Echoed.</summary>
    public bool LookupEnabled { get; set; }
    /// <summary>Echoed.</summary>
    public bool Psd2Enabled { get; set; }
    /// <summary>Echoed.</summary>
    public bool SkipSmsToLandlines { get; set; }
    /// <summary>Echoed.</summary>
    public bool DtmfInputRequired { get; set; }
    /// <summary>Echoed.</summary>
    public string? TtsName { get; set; }
    /// <summary>Echoed.</summary>
    public bool DoNotShareWarningEnabled { get; set; }
    /// <summary>Echoed.</summary>
    public bool CustomCodeEnabled { get; set; }
    /// <summary>Echoed.</summary>
    public bool VerifyEventSubscriptionEnabled { get; set; }
    /// <summary>Adds <c>details.date</c> to challenges (deprecated by Twilio, still honoured).</summary>
    public bool PushIncludeDate { get; set; }
    /// <summary>
    /// OpenVerify extension (form <c>Push.HideMessage</c>, response <c>push.hide_message</c>): keep the
    /// challenge message out of push payloads, so only SIDs pass through Google or Apple and the app
    /// fetches the details over TLS. Twilio's helper libraries ignore the extra response field.
    /// </summary>
    public bool PushHideMessage { get; set; }
    /// <summary>
    /// OpenVerify extension (form <c>Push.NumberMatching</c>, response <c>push.number_matching</c>): CreateChallenge
    /// returns <c>number_match</c> for the backend to show, and approving requires the device to sign that number.
    /// </summary>
    public bool PushNumberMatching { get; set; }
    /// <summary>OpenVerify extension (<c>Push.PendingLimit</c>): pending challenges per factor; 0 = no limit, null = the server's default.</summary>
    public int? PushPendingLimit { get; set; }
    /// <summary>OpenVerify extension (<c>Push.CooldownDenials</c>): denials within the window that start a cool-down; 0 = never, null = the server's default.</summary>
    public int? PushCooldownDenials { get; set; }
    /// <summary>OpenVerify extension (<c>Push.CooldownWindowMinutes</c>): the window the denials are counted in; null = the server's default.</summary>
    public int? PushCooldownWindowMinutes { get; set; }
    /// <summary>OpenVerify extension (<c>Push.CooldownMinutes</c>): how long new challenges are refused; null = the server's default.</summary>
    public int? PushCooldownMinutes { get; set; }
    /// <summary>CR SID of the APNs credential.</summary>
    public string? ApnCredentialSid { get; set; }
    /// <summary>CR SID of the FCM credential.</summary>
    public string? FcmCredentialSid { get; set; }
    /// <summary>TOTP issuer.</summary>
    public string? TotpIssuer { get; set; }
    /// <summary>TOTP time step, 20–60.</summary>
    public int? TotpTimeStep { get; set; }
    /// <summary>TOTP code length, 3–8.</summary>
    public int? TotpCodeLength { get; set; }
    /// <summary>TOTP skew, 0–2.</summary>
    public int? TotpSkew { get; set; }
    /// <summary>HJ SID.</summary>
    public string? DefaultTemplateSid { get; set; }
    /// <summary>MG SID.</summary>
    public string? WhatsappMsgServiceSid { get; set; }
    /// <summary>Echoed.</summary>
    public string? WhatsappFrom { get; set; }
    /// <summary>Echoed.</summary>
    public string? PasskeysRelyingPartyId { get; set; }
    /// <summary>Echoed.</summary>
    public string? PasskeysRelyingPartyName { get; set; }
    /// <summary>Comma-separated origins, echoed as an array.</summary>
    public string? PasskeysRelyingPartyOrigins { get; set; }
    /// <summary>Echoed.</summary>
    public string? PasskeysAuthenticatorAttachment { get; set; }
    /// <summary>Echoed.</summary>
    public string? PasskeysDiscoverableCredentials { get; set; }
    /// <summary>Echoed.</summary>
    public string? PasskeysUserVerification { get; set; }
}
