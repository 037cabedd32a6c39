using System.Text.Json;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Factors;

/// <summary>The wire shape of a Factor (<c>verify.v2.service.entity.factor</c>): fetch, list, update, verify.</summary>
public sealed record FactorResource(
    string Sid, string AccountSid, string ServiceSid, string EntitySid, string Identity, string DateCreated, string DateUpdated,
    string FriendlyName, string Status, string FactorType, object Config, Dictionary<string, string>? Metadata, string Url)
{
    /// <summary>Builds the resource with absolute URLs under <paramref name="root"/>.</summary>
    public static FactorResource From(Factor factor, string root) => new(
        factor.Sid, factor.AccountSid, factor.ServiceSid, factor.EntitySid, factor.Identity,
        TwilioDate.ToWire(factor.DateCreated), TwilioDate.ToWire(factor.DateUpdated), factor.FriendlyName, factor.Status, factor.FactorType,
        ConfigOf(factor), MetadataOf(factor), UrlOf(factor, root));

    /// <summary><c>config</c>: <see cref="PushConfig"/>, or for totp <c>{alg, skew, code_length, time_step}</c> (docs/protocol/rest-api.md §2.3).</summary>
    public static object ConfigOf(Factor factor) => factor.FactorType == FactorTypes.Totp
        ? Totp.TotpConfig.Of(factor)
        : new PushConfig(factor.SdkVersion, factor.AppId, factor.NotificationPlatform, factor.NotificationToken, factor.CredentialSid);

    /// <summary>The factor's absolute URL.</summary>
    public static string UrlOf(Factor factor, string root) => VerifyUrls.Entity(root, factor.ServiceSid, factor.Identity) + "/Factors/" + factor.Sid;

    /// <summary>The stored metadata as an object (the SDKs require an object, never a string).</summary>
    public static Dictionary<string, string>? MetadataOf(Factor factor) =>
        factor.Metadata is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(factor.Metadata);

    /// <summary>
    /// <c>config</c> of a push factor. Note: <c>credential_sid</c> is missing from Twilio's OpenAPI
    /// examples but both SDKs fail without it: it becomes the device JWT's <c>kid</c>.
    /// </summary>
    public sealed record PushConfig(string SdkVersion, string AppId, string NotificationPlatform, string? NotificationToken, string CredentialSid);
}

/// <summary>The create response (<c>new_factor</c>): the factor plus <c>binding</c> and <c>options</c>, which only creation returns.</summary>
public sealed record NewFactorResource(
    string Sid, string AccountSid, string ServiceSid, string EntitySid, string Identity, object Binding, object? Options,
    string DateCreated, string DateUpdated, string FriendlyName, string Status, string FactorType, object Config,
    Dictionary<string, string>? Metadata, string Url)
{
    /// <summary>Builds the create response; <paramref name="totpBinding"/> is the binding of a totp factor (its secret exists in plain text only now).</summary>
    public static NewFactorResource From(Factor factor, string root, TotpBinding? totpBinding = null)
    {
        var f = FactorResource.From(factor, root);
        object binding = totpBinding is null ? new PushBinding(factor.BindingAlg, factor.PublicKey) : totpBinding;
        return new NewFactorResource(f.Sid, f.AccountSid, f.ServiceSid, f.EntitySid, f.Identity, binding, null,
            f.DateCreated, f.DateUpdated, f.FriendlyName, f.Status, f.FactorType, f.Config, f.Metadata, f.Url);
    }

    /// <summary><c>binding</c> of a push factor.</summary>
    public sealed record PushBinding(string Alg, string PublicKey);

    /// <summary><c>binding</c> of a totp factor: the base32 secret and its Key URI, shown on creation only.</summary>
    public sealed record TotpBinding(string Secret, string Uri);
}
