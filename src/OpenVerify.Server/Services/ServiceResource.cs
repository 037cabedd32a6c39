using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Services;

/// <summary>The wire shape of a Service (<c>verify.v2.service</c>), in the spec's property order.</summary>
public sealed record ServiceResource(
    string Sid, string AccountSid, string FriendlyName, int CodeLength, bool LookupEnabled, bool Psd2Enabled,
    bool SkipSmsToLandlines, bool DtmfInputRequired, string? TtsName, bool DoNotShareWarningEnabled, bool CustomCodeEnabled,
    ServiceResource.PushShape Push, ServiceResource.TotpShape Totp, string? DefaultTemplateSid, ServiceResource.WhatsappShape Whatsapp,
    ServiceResource.PasskeysShape Passkeys, bool VerifyEventSubscriptionEnabled, string DateCreated, string DateUpdated,
    string Url, Dictionary<string, string> Links)
{
    /// <summary>Builds the resource with absolute URLs under <paramref name="root"/>.</summary>
    public static ServiceResource From(Service service, string root)
    {
        var s = service.Settings;
        var url = VerifyUrls.Service(root, service.Sid);
        return new ServiceResource(
            service.Sid, service.AccountSid, service.FriendlyName, s.CodeLength, s.LookupEnabled, s.Psd2Enabled,
            s.SkipSmsToLandlines, s.DtmfInputRequired, s.TtsName, s.DoNotShareWarningEnabled, s.CustomCodeEnabled,
            new PushShape(s.PushIncludeDate, s.ApnCredentialSid, s.FcmCredentialSid, s.PushHideMessage,
                s.PushNumberMatching, s.PushPendingLimit, s.PushCooldownDenials, s.PushCooldownWindowMinutes, s.PushCooldownMinutes),
            new TotpShape(s.TotpIssuer, s.TotpTimeStep, s.TotpCodeLength, s.TotpSkew),
            s.DefaultTemplateSid,
            new WhatsappShape(s.WhatsappMsgServiceSid, s.WhatsappFrom),
            new PasskeysShape(
                new RelyingPartyShape(s.PasskeysRelyingPartyId, s.PasskeysRelyingPartyName,
                    s.PasskeysRelyingPartyOrigins?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? []),
                s.PasskeysAuthenticatorAttachment, s.PasskeysDiscoverableCredentials, s.PasskeysUserVerification),
            s.VerifyEventSubscriptionEnabled,
            TwilioDate.ToWire(service.DateCreated), TwilioDate.ToWire(service.DateUpdated), url,
            new Dictionary<string, string>
            {
                ["verification_checks"] = url + "/VerificationCheck",
                ["verifications"] = url + "/Verifications",
                ["rate_limits"] = url + "/RateLimits",
                ["messaging_configurations"] = url + "/MessagingConfigurations",
                ["entities"] = url + "/Entities",
                ["webhooks"] = url + "/Webhooks",
                ["access_tokens"] = url + "/AccessTokens",
            });
    }

    /// <summary>
    /// <c>push</c>; <c>hide_message</c> and the push-fatigue settings after it are OpenVerify extensions
    /// (a null limit means the server's default, see docs/security.md).
    /// </summary>
    public sealed record PushShape(bool IncludeDate, string? ApnCredentialSid, string? FcmCredentialSid, bool HideMessage,
        bool NumberMatching, int? PendingLimit, int? CooldownDenials, int? CooldownWindowMinutes, int? CooldownMinutes);

    /// <summary><c>totp</c>: null until configured, as in Twilio's examples.</summary>
    public sealed record TotpShape(string? Issuer, int? TimeStep, int? CodeLength, int? Skew);

    /// <summary><c>whatsapp</c>.</summary>
    public sealed record WhatsappShape(string? MsgServiceSid, string? From);

    /// <summary><c>passkeys</c>.</summary>
    public sealed record PasskeysShape(RelyingPartyShape RelyingParty, string? AuthenticatorAttachment, string? DiscoverableCredentials, string? UserVerification);

    /// <summary><c>passkeys.relying_party</c>.</summary>
    public sealed record RelyingPartyShape(string? Id, string? Name, string[] Origins);
}
