using System.Text.Json;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Signing;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Factors;

/// <summary>Factor form parameters and their rules (docs/protocol/rest-api.md §2.3–2.4, docs/protocol/device.md §1.4).</summary>
public static class FactorForms
{
    /// <summary>Longest friendly name.</summary>
    public const int MaxFriendlyName = 64;

    /// <summary>Fills a new factor from a CreateNewFactor form.</summary>
    public static void ReadNew(VerifyForm form, Factor factor)
    {
        factor.FriendlyName = form.Text("FriendlyName", MaxFriendlyName, 1) ?? throw ErrorCatalogue.MissingParameter("FriendlyName");
        var type = form.Get("FactorType") ?? throw ErrorCatalogue.MissingParameter("FactorType");
        if (type == FactorTypes.Totp)
        {
            // The TOTP parameters are read by Totp.TotpForms, with the service's defaults.
            factor.FactorType = type;
            factor.Metadata = ReadMetadata(form);
            return;
        }

        if (type != FactorTypes.Push)
        {
            throw type is "passkeys"
                ? ErrorCatalogue.InvalidParameter("FactorType", $"{type} factors are not supported by this server; use push or totp")
                : ErrorCatalogue.InvalidParameter("FactorType", "must be push or totp");
        }

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
        factor.PublicKey = publicKey;
        factor.SdkVersion = form.Text("Config.SdkVersion", 64, 1) ?? throw ErrorCatalogue.MissingParameter("Config.SdkVersion");
        // Note: iOS sends an empty Config.AppId when the bundle has no identifier, so present-but-empty is accepted.
        factor.AppId = form.Text("Config.AppId", 100) ?? throw ErrorCatalogue.MissingParameter("Config.AppId");
        (factor.NotificationPlatform, factor.NotificationToken) = ReadPush(form, NotificationPlatforms.None, null);
        factor.Metadata = ReadMetadata(form);
    }

    private static string? ReadMetadata(VerifyForm form) => form.StringMap("Metadata", 1024) is { } metadata ? JsonSerializer.Serialize(metadata) : null;

    /// <summary>
    /// The change an UpdateFactor form asks of <paramref name="current"/>: only what was sent
    /// (platform and token together, checked against the current ones).
    /// </summary>
    public static FactorChange ReadUpdate(VerifyForm form, Factor current, bool verify)
    {
        var friendlyName = form.Has("FriendlyName") ? form.Text("FriendlyName", MaxFriendlyName, 1) : null;
        var sdkVersion = form.Text("Config.SdkVersion", 64, 1);
        var appId = form.Text("Config.AppId", 100);
        (string, string?)? push = form.Has("Config.NotificationPlatform") || form.Has("Config.NotificationToken")
            ? ReadPush(form, current.NotificationPlatform, current.NotificationToken)
            : null;
        return new FactorChange(friendlyName, sdkVersion, appId, push, verify);
    }

    /// <summary>
    /// Platform and token together: <c>none</c> clears the token; <c>apn</c>/<c>fcm</c> need a
    /// token of 32–255 characters, sent now or kept from before.
    /// </summary>
    private static (string Platform, string? Token) ReadPush(VerifyForm form, string currentPlatform, string? currentToken)
    {
        var platform = form.OneOf("Config.NotificationPlatform", NotificationPlatforms.Apn, NotificationPlatforms.Fcm, NotificationPlatforms.None);
        var token = form.Text("Config.NotificationToken", 255, 32);
        if (platform is null && token is not null && currentPlatform == NotificationPlatforms.None)
        {
            throw ErrorCatalogue.MissingParameter("Config.NotificationPlatform");
        }

        platform ??= currentPlatform;
        if (platform == NotificationPlatforms.None)
        {
            return (platform, null);
        }

        token ??= currentToken;
        return token is null ? throw ErrorCatalogue.MissingParameter("Config.NotificationToken") : (platform, token);
    }
}
