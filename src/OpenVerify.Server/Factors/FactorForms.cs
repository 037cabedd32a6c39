using System.Text.Json;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Signing;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Factors;

/// <summary>
/// CreateNewFactor and UpdateFactor forms, read into checked inputs (docs/protocol/rest-api.md §2.3–2.4,
/// docs/protocol/device.md §1.4); <see cref="FactorsApi"/> applies them. The totp parameters are read by
/// <see cref="Totp.TotpForms"/>.
/// </summary>
public static class FactorForms
{
    /// <summary>Longest friendly name.</summary>
    public const int MaxFriendlyName = 64;

    /// <summary>Longest <c>Metadata</c> JSON.</summary>
    public const int MaxMetadata = 1024;

    /// <summary>What a CreateNewFactor request carries, checked; <paramref name="Push"/> is null for totp.</summary>
    public sealed record CreateInput(string FriendlyName, string FactorType, IReadOnlyDictionary<string, string>? Metadata, PushBinding? Push)
    {
        /// <summary>The metadata as stored: a JSON object of strings, or null.</summary>
        public string? MetadataJson => Metadata is null ? null : JsonSerializer.Serialize(Metadata);
    }

    /// <summary>A push device's key and config (platform <c>none</c> has a null token).</summary>
    public sealed record PushBinding(string PublicKey, string SdkVersion, string AppId, string NotificationPlatform, string? NotificationToken);

    /// <summary>What an UpdateFactor of a push factor changes besides verifying it; null is "not sent".</summary>
    public sealed record UpdateInput(string? FriendlyName, string? SdkVersion, string? AppId, string? NotificationPlatform, string? NotificationToken)
    {
        /// <summary>
        /// The change asked of <paramref name="current"/>: only what was sent, platform and token together
        /// (<see cref="FactorRules.Notification"/> over the current ones).
        /// </summary>
        public FactorChange ChangeOf(Factor current, bool verify)
        {
            (string, string?)? push = NotificationPlatform is null && NotificationToken is null
                ? null
                : FactorRules.Notification(current.NotificationPlatform, current.NotificationToken, NotificationPlatform, NotificationToken);
            return new FactorChange(FriendlyName, SdkVersion, AppId, push, verify);
        }
    }

    /// <summary>
    /// Reads a CreateNewFactor form, in this order: <c>FriendlyName</c>, <c>FactorType</c>, then for push
    /// the binding and config, then <c>Metadata</c>.
    /// </summary>
    public static CreateInput ReadCreate(VerifyForm form)
    {
        var friendlyName = form.Text("FriendlyName", MaxFriendlyName, 1) ?? throw ErrorCatalogue.MissingParameter("FriendlyName");
        var type = form.Get("FactorType") ?? throw ErrorCatalogue.MissingParameter("FactorType");
        if (type == FactorTypes.Totp)
        {
            return new CreateInput(friendlyName, type, ReadMetadata(form), null);
        }

        if (type != FactorTypes.Push)
        {
            throw type is "passkeys"
                ? ErrorCatalogue.InvalidParameter("FactorType", $"{type} factors are not supported by this server; use push or totp")
                : ErrorCatalogue.InvalidParameter("FactorType", "must be push or totp");
        }

        var push = ReadPushBinding(form);
        return new CreateInput(friendlyName, type, ReadMetadata(form), push);
    }

    /// <summary>The <c>AuthPayload</c> of a push UpdateFactor (read before anything else: it is checked first), or null.</summary>
    public static string? ReadProof(VerifyForm form) => form.Get("AuthPayload");

    /// <summary>Reads what a push UpdateFactor form changes: name, SDK version, app id, platform and token.</summary>
    public static UpdateInput ReadUpdate(VerifyForm form) => new(
        form.Has("FriendlyName") ? form.Text("FriendlyName", MaxFriendlyName, 1) : null,
        form.Text("Config.SdkVersion", 64, 1),
        form.Text("Config.AppId", 100),
        ReadPlatform(form),
        ReadToken(form));

    private static PushBinding ReadPushBinding(VerifyForm form)
    {
        if (form.OneOf("Binding.Alg", "ES256") is null && form.Has("Binding.Alg"))
        {
            throw ErrorCatalogue.InvalidParameter("Binding.Alg", "must be ES256");
        }

        var publicKey = form.Get("Binding.PublicKey") ?? throw ErrorCatalogue.MissingParameter("Binding.PublicKey");
        if (!P256PublicKey.TryImport(publicKey, out var key))
        {
            throw ErrorCatalogue.InvalidParameter("Binding.PublicKey", "must be the base64 SubjectPublicKeyInfo of a P-256 key");
        }

        key.Dispose();
        var sdkVersion = form.Text("Config.SdkVersion", 64, 1) ?? throw ErrorCatalogue.MissingParameter("Config.SdkVersion");
        // Note: iOS sends an empty Config.AppId when the bundle has no identifier, so present-but-empty is accepted.
        var appId = form.Text("Config.AppId", 100) ?? throw ErrorCatalogue.MissingParameter("Config.AppId");
        var (platform, token) = FactorRules.Notification(NotificationPlatforms.None, null, ReadPlatform(form), ReadToken(form));
        return new PushBinding(publicKey, sdkVersion, appId, platform, token);
    }

    private static string? ReadPlatform(VerifyForm form) =>
        form.OneOf("Config.NotificationPlatform", NotificationPlatforms.Apn, NotificationPlatforms.Fcm, NotificationPlatforms.None);

    private static string? ReadToken(VerifyForm form) => form.Text("Config.NotificationToken", 255, 32);

    private static Dictionary<string, string>? ReadMetadata(VerifyForm form) => form.StringMap("Metadata", MaxMetadata);
}
