using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Services;

/// <summary>
/// Create/Update Service forms (docs/protocol/rest-api.md §2.1), read into checked inputs;
/// <see cref="ServicesApi"/> applies them. Update changes only what is sent.
/// </summary>
public static class ServiceForms
{
    /// <summary>Longest friendly name accepted.</summary>
    public const int MaxFriendlyName = 64;

    /// <summary>What a CreateService request carries, checked.</summary>
    public sealed record CreateInput(string FriendlyName, SettingsInput Settings);

    /// <summary>What an UpdateService request carries, checked; a null name is "not sent".</summary>
    public sealed record UpdateInput(string? FriendlyName, SettingsInput Settings);

    /// <summary>The optional settings of both forms, each null when not sent.</summary>
    public sealed record SettingsInput
    {
        /// <summary><see cref="ServiceSettings.CodeLength"/>.</summary>
        public int? CodeLength { get; init; }
        /// <summary><see cref="ServiceSettings.LookupEnabled"/>.</summary>
        public bool? LookupEnabled { get; init; }
        /// <summary><see cref="ServiceSettings.SkipSmsToLandlines"/>.</summary>
        public bool? SkipSmsToLandlines { get; init; }
        /// <summary><see cref="ServiceSettings.DtmfInputRequired"/>.</summary>
        public bool? DtmfInputRequired { get; init; }
        /// <summary><see cref="ServiceSettings.TtsName"/>.</summary>
        public string? TtsName { get; init; }
        /// <summary><see cref="ServiceSettings.Psd2Enabled"/>.</summary>
        public bool? Psd2Enabled { get; init; }
        /// <summary><see cref="ServiceSettings.DoNotShareWarningEnabled"/>.</summary>
        public bool? DoNotShareWarningEnabled { get; init; }
        /// <summary><see cref="ServiceSettings.CustomCodeEnabled"/>.</summary>
        public bool? CustomCodeEnabled { get; init; }
        /// <summary><see cref="ServiceSettings.VerifyEventSubscriptionEnabled"/>.</summary>
        public bool? VerifyEventSubscriptionEnabled { get; init; }
        /// <summary><see cref="ServiceSettings.PushIncludeDate"/>.</summary>
        public bool? PushIncludeDate { get; init; }
        /// <summary><see cref="ServiceSettings.PushHideMessage"/>.</summary>
        public bool? PushHideMessage { get; init; }
        /// <summary><see cref="ServiceSettings.PushNumberMatching"/>.</summary>
        public bool? PushNumberMatching { get; init; }
        /// <summary><see cref="ServiceSettings.PushPendingLimit"/>.</summary>
        public int? PushPendingLimit { get; init; }
        /// <summary><see cref="ServiceSettings.PushCooldownDenials"/>.</summary>
        public int? PushCooldownDenials { get; init; }
        /// <summary><see cref="ServiceSettings.PushCooldownWindowMinutes"/>.</summary>
        public int? PushCooldownWindowMinutes { get; init; }
        /// <summary><see cref="ServiceSettings.PushCooldownMinutes"/>.</summary>
        public int? PushCooldownMinutes { get; init; }
        /// <summary><see cref="ServiceSettings.ApnCredentialSid"/>.</summary>
        public string? ApnCredentialSid { get; init; }
        /// <summary><see cref="ServiceSettings.FcmCredentialSid"/>.</summary>
        public string? FcmCredentialSid { get; init; }
        /// <summary><see cref="ServiceSettings.TotpIssuer"/>.</summary>
        public string? TotpIssuer { get; init; }
        /// <summary><see cref="ServiceSettings.TotpTimeStep"/>.</summary>
        public int? TotpTimeStep { get; init; }
        /// <summary><see cref="ServiceSettings.TotpCodeLength"/>.</summary>
        public int? TotpCodeLength { get; init; }
        /// <summary><see cref="ServiceSettings.TotpSkew"/>.</summary>
        public int? TotpSkew { get; init; }
        /// <summary><see cref="ServiceSettings.DefaultTemplateSid"/>.</summary>
        public string? DefaultTemplateSid { get; init; }
        /// <summary><see cref="ServiceSettings.WhatsappMsgServiceSid"/>.</summary>
        public string? WhatsappMsgServiceSid { get; init; }
        /// <summary><see cref="ServiceSettings.WhatsappFrom"/>.</summary>
        public string? WhatsappFrom { get; init; }
        /// <summary><see cref="ServiceSettings.PasskeysRelyingPartyId"/>.</summary>
        public string? PasskeysRelyingPartyId { get; init; }
        /// <summary><see cref="ServiceSettings.PasskeysRelyingPartyName"/>.</summary>
        public string? PasskeysRelyingPartyName { get; init; }
        /// <summary><see cref="ServiceSettings.PasskeysRelyingPartyOrigins"/>.</summary>
        public string? PasskeysRelyingPartyOrigins { get; init; }
        /// <summary><see cref="ServiceSettings.PasskeysAuthenticatorAttachment"/>.</summary>
        public string? PasskeysAuthenticatorAttachment { get; init; }
        /// <summary><see cref="ServiceSettings.PasskeysDiscoverableCredentials"/>.</summary>
        public string? PasskeysDiscoverableCredentials { get; init; }
        /// <summary><see cref="ServiceSettings.PasskeysUserVerification"/>.</summary>
        public string? PasskeysUserVerification { get; init; }

        /// <summary>A copy of <paramref name="current"/> with every setting sent.</summary>
        public ServiceSettings Over(ServiceSettings current)
        {
            var settings = current.Copy();
            settings.CodeLength = CodeLength ?? settings.CodeLength;
            settings.LookupEnabled = LookupEnabled ?? settings.LookupEnabled;
            settings.SkipSmsToLandlines = SkipSmsToLandlines ?? settings.SkipSmsToLandlines;
            settings.DtmfInputRequired = DtmfInputRequired ?? settings.DtmfInputRequired;
            settings.TtsName = TtsName ?? settings.TtsName;
            settings.Psd2Enabled = Psd2Enabled ?? settings.Psd2Enabled;
            settings.DoNotShareWarningEnabled = DoNotShareWarningEnabled ?? settings.DoNotShareWarningEnabled;
            settings.CustomCodeEnabled = CustomCodeEnabled ?? settings.CustomCodeEnabled;
            settings.VerifyEventSubscriptionEnabled = VerifyEventSubscriptionEnabled ?? settings.VerifyEventSubscriptionEnabled;
            settings.PushIncludeDate = PushIncludeDate ?? settings.PushIncludeDate;
            settings.PushHideMessage = PushHideMessage ?? settings.PushHideMessage;
            settings.PushNumberMatching = PushNumberMatching ?? settings.PushNumberMatching;
            settings.PushPendingLimit = PushPendingLimit ?? settings.PushPendingLimit;
            settings.PushCooldownDenials = PushCooldownDenials ?? settings.PushCooldownDenials;
            settings.PushCooldownWindowMinutes = PushCooldownWindowMinutes ?? settings.PushCooldownWindowMinutes;
            settings.PushCooldownMinutes = PushCooldownMinutes ?? settings.PushCooldownMinutes;
            settings.ApnCredentialSid = ApnCredentialSid ?? settings.ApnCredentialSid;
            settings.FcmCredentialSid = FcmCredentialSid ?? settings.FcmCredentialSid;
            settings.TotpIssuer = TotpIssuer ?? settings.TotpIssuer;
            settings.TotpTimeStep = TotpTimeStep ?? settings.TotpTimeStep;
            settings.TotpCodeLength = TotpCodeLength ?? settings.TotpCodeLength;
            settings.TotpSkew = TotpSkew ?? settings.TotpSkew;
            settings.DefaultTemplateSid = DefaultTemplateSid ?? settings.DefaultTemplateSid;
            settings.WhatsappMsgServiceSid = WhatsappMsgServiceSid ?? settings.WhatsappMsgServiceSid;
            settings.WhatsappFrom = WhatsappFrom ?? settings.WhatsappFrom;
            settings.PasskeysRelyingPartyId = PasskeysRelyingPartyId ?? settings.PasskeysRelyingPartyId;
            settings.PasskeysRelyingPartyName = PasskeysRelyingPartyName ?? settings.PasskeysRelyingPartyName;
            settings.PasskeysRelyingPartyOrigins = PasskeysRelyingPartyOrigins ?? settings.PasskeysRelyingPartyOrigins;
            settings.PasskeysAuthenticatorAttachment = PasskeysAuthenticatorAttachment ?? settings.PasskeysAuthenticatorAttachment;
            settings.PasskeysDiscoverableCredentials = PasskeysDiscoverableCredentials ?? settings.PasskeysDiscoverableCredentials;
            settings.PasskeysUserVerification = PasskeysUserVerification ?? settings.PasskeysUserVerification;
            return settings;
        }
    }

    /// <summary>Reads a CreateService form: the required <c>FriendlyName</c>, then the settings.</summary>
    public static CreateInput ReadCreate(VerifyForm form)
    {
        var friendlyName = form.Text("FriendlyName", MaxFriendlyName) is { Length: > 0 } name ? name : throw ErrorCatalogue.MissingParameter("FriendlyName");
        return new CreateInput(friendlyName, ReadSettings(form));
    }

    /// <summary>Reads an UpdateService form: <c>FriendlyName</c> if sent (not empty), then the settings.</summary>
    public static UpdateInput ReadUpdate(VerifyForm form)
    {
        var friendlyName = form.Has("FriendlyName") ? form.Text("FriendlyName", MaxFriendlyName, 1) : null;
        return new UpdateInput(friendlyName, ReadSettings(form));
    }

    /// <summary>Reads every optional setting, in the order the checks have always run.</summary>
    private static SettingsInput ReadSettings(VerifyForm form) => new()
    {
        CodeLength = form.Int("CodeLength", 4, 10),
        LookupEnabled = form.Bool("LookupEnabled"),
        SkipSmsToLandlines = form.Bool("SkipSmsToLandlines"),
        DtmfInputRequired = form.Bool("DtmfInputRequired"),
        TtsName = form.Text("TtsName", 255),
        Psd2Enabled = form.Bool("Psd2Enabled"),
        DoNotShareWarningEnabled = form.Bool("DoNotShareWarningEnabled"),
        CustomCodeEnabled = form.Bool("CustomCodeEnabled"),
        VerifyEventSubscriptionEnabled = form.Bool("VerifyEventSubscriptionEnabled"),
        PushIncludeDate = form.Bool("Push.IncludeDate"),
        PushHideMessage = form.Bool("Push.HideMessage"), // OpenVerify extension
        // OpenVerify push-fatigue extensions (docs/security.md).
        PushNumberMatching = form.Bool("Push.NumberMatching"),
        PushPendingLimit = form.Int("Push.PendingLimit", 0, 1000),
        PushCooldownDenials = form.Int("Push.CooldownDenials", 0, 1000),
        PushCooldownWindowMinutes = form.Int("Push.CooldownWindowMinutes", 1, 1440),
        PushCooldownMinutes = form.Int("Push.CooldownMinutes", 1, 1440),
        ApnCredentialSid = form.Sid("Push.ApnCredentialSid", SidPrefix.Credential),
        FcmCredentialSid = form.Sid("Push.FcmCredentialSid", SidPrefix.Credential),
        TotpIssuer = form.Text("Totp.Issuer", 255),
        TotpTimeStep = form.Int("Totp.TimeStep", 20, 60),
        TotpCodeLength = form.Int("Totp.CodeLength", 3, 8),
        TotpSkew = form.Int("Totp.Skew", 0, 2),
        DefaultTemplateSid = form.Sid("DefaultTemplateSid", SidPrefix.Template),
        WhatsappMsgServiceSid = form.Sid("Whatsapp.MsgServiceSid", SidPrefix.MessagingService),
        WhatsappFrom = form.Text("Whatsapp.From", 255),
        PasskeysRelyingPartyId = form.Text("Passkeys.RelyingParty.Id", 255),
        PasskeysRelyingPartyName = form.Text("Passkeys.RelyingParty.Name", 255),
        PasskeysRelyingPartyOrigins = form.Text("Passkeys.RelyingParty.Origins", 2048),
        PasskeysAuthenticatorAttachment = form.OneOf("Passkeys.AuthenticatorAttachment", "platform", "cross-platform", "any", ""),
        PasskeysDiscoverableCredentials = form.Text("Passkeys.DiscoverableCredentials", 64),
        PasskeysUserVerification = form.OneOf("Passkeys.UserVerification", "required", "preferred", "discouraged", ""),
    };
}
