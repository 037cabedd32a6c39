using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Services;

/// <summary>Create/Update Service form parameters (docs/protocol/rest-api.md §2.1); update changes only what is sent.</summary>
public static class ServiceForms
{
    /// <summary>Longest friendly name accepted.</summary>
    public const int MaxFriendlyName = 64;

    /// <summary>Applies every optional setting present in the form.</summary>
    public static void Apply(VerifyForm form, ServiceSettings s)
    {
        s.CodeLength = form.Int("CodeLength", 4, 10) ?? s.CodeLength;
        s.LookupEnabled = form.Bool("LookupEnabled") ?? s.LookupEnabled;
        s.SkipSmsToLandlines = form.Bool("SkipSmsToLandlines") ?? s.SkipSmsToLandlines;
        s.DtmfInputRequired = form.Bool("DtmfInputRequired") ?? s.DtmfInputRequired;
        s.TtsName = form.Text("TtsName", 255) ?? s.TtsName;
        s.Psd2Enabled = form.Bool("Psd2Enabled") ?? s.Psd2Enabled;
        s.DoNotShareWarningEnabled = form.Bool("DoNotShareWarningEnabled") ?? s.DoNotShareWarningEnabled;
        s.CustomCodeEnabled = form.Bool("CustomCodeEnabled") ?? s.CustomCodeEnabled;
        s.VerifyEventSubscriptionEnabled = form.Bool("VerifyEventSubscriptionEnabled") ?? s.VerifyEventSubscriptionEnabled;
        s.PushIncludeDate = form.Bool("Push.IncludeDate") ?? s.PushIncludeDate;
        s.PushHideMessage = form.Bool("Push.HideMessage") ?? s.PushHideMessage; // OpenVerify extension
        // OpenVerify push-fatigue extensions (docs/security.md).
        s.PushNumberMatching = form.Bool("Push.NumberMatching") ?? s.PushNumberMatching;
        s.PushPendingLimit = form.Int("Push.PendingLimit", 0, 1000) ?? s.PushPendingLimit;
        s.PushCooldownDenials = form.Int("Push.CooldownDenials", 0, 1000) ?? s.PushCooldownDenials;
        s.PushCooldownWindowMinutes = form.Int("Push.CooldownWindowMinutes", 1, 1440) ?? s.PushCooldownWindowMinutes;
        s.PushCooldownMinutes = form.Int("Push.CooldownMinutes", 1, 1440) ?? s.PushCooldownMinutes;
        s.ApnCredentialSid = form.Sid("Push.ApnCredentialSid", SidPrefix.Credential) ?? s.ApnCredentialSid;
        s.FcmCredentialSid = form.Sid("Push.FcmCredentialSid", SidPrefix.Credential) ?? s.FcmCredentialSid;
        s.TotpIssuer = form.Text("Totp.Issuer", 255) ?? s.TotpIssuer;
        s.TotpTimeStep = form.Int("Totp.TimeStep", 20, 60) ?? s.TotpTimeStep;
        s.TotpCodeLength = form.Int("Totp.CodeLength", 3, 8) ?? s.TotpCodeLength;
        s.TotpSkew = form.Int("Totp.Skew", 0, 2) ?? s.TotpSkew;
        s.DefaultTemplateSid = form.Sid("DefaultTemplateSid", SidPrefix.Template) ?? s.DefaultTemplateSid;
        s.WhatsappMsgServiceSid = form.Sid("Whatsapp.MsgServiceSid", SidPrefix.MessagingService) ?? s.WhatsappMsgServiceSid;
        s.WhatsappFrom = form.Text("Whatsapp.From", 255) ?? s.WhatsappFrom;
        s.PasskeysRelyingPartyId = form.Text("Passkeys.RelyingParty.Id", 255) ?? s.PasskeysRelyingPartyId;
        s.PasskeysRelyingPartyName = form.Text("Passkeys.RelyingParty.Name", 255) ?? s.PasskeysRelyingPartyName;
        s.PasskeysRelyingPartyOrigins = form.Text("Passkeys.RelyingParty.Origins", 2048) ?? s.PasskeysRelyingPartyOrigins;
        s.PasskeysAuthenticatorAttachment = form.OneOf("Passkeys.AuthenticatorAttachment", "platform", "cross-platform", "any", "") ?? s.PasskeysAuthenticatorAttachment;
        s.PasskeysDiscoverableCredentials = form.Text("Passkeys.DiscoverableCredentials", 64) ?? s.PasskeysDiscoverableCredentials;
        s.PasskeysUserVerification = form.OneOf("Passkeys.UserVerification", "required", "preferred", "discouraged", "") ?? s.PasskeysUserVerification;
    }
}
