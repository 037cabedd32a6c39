using System.Security.Cryptography;
using OpenVerify.Protocol.Errors;
using OpenVerify.Server.Http;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Factors.Totp;

/// <summary>The TOTP parameters of CreateNewFactor and UpdateFactor (docs/protocol/rest-api.md §2.3–2.4) and their defaults.</summary>
public static class TotpForms
{
    /// <summary>Bytes of a generated secret: 160 bits, the HMAC-SHA1 output size RFC 4226 recommends.</summary>
    public const int GeneratedSecretBytes = 20;

    /// <summary>Shortest <c>Binding.Secret</c> accepted: 80 bits, what common authenticator apps still generate.</summary>
    public const int MinSecretBytes = 10;

    /// <summary>Longest <c>Binding.Secret</c> accepted.</summary>
    public const int MaxSecretBytes = 128;

    /// <summary>
    /// The config of a new factor: each <c>Config.*</c> sent, else the service's <c>totp.*</c>,
    /// else sha1/1/6/30; and its base32 secret: <c>Binding.Secret</c> (normalised to upper case
    /// without padding) or a fresh random one.
    /// </summary>
    public static (TotpConfig Config, string Secret) ReadNew(VerifyForm form, ServiceSettings service)
    {
        var config = new TotpConfig(
            ReadAlg(form) ?? TotpAlgorithms.Sha1,
            form.Int("Config.Skew", 0, 2) ?? service.TotpSkew ?? 1,
            form.Int("Config.CodeLength", 3, 8) ?? service.TotpCodeLength ?? 6,
            form.Int("Config.TimeStep", 20, 60) ?? service.TotpTimeStep ?? 30);
        var sent = form.Get("Binding.Secret");
        if (sent is null)
        {
            return (config, Base32.Encode(RandomNumberGenerator.GetBytes(GeneratedSecretBytes)));
        }

        var bytes = Base32.TryDecode(sent);
        return bytes is { Length: >= MinSecretBytes and <= MaxSecretBytes }
            ? (config, Base32.Encode(bytes))
            : throw ErrorCatalogue.InvalidParameter("Binding.Secret", $"must be base32 (RFC 4648) of {MinSecretBytes} to {MaxSecretBytes} bytes");
    }

    /// <summary>The change an UpdateFactor form asks of a totp factor: only what was sent.</summary>
    public static TotpFactorChange ReadUpdate(VerifyForm form, Factor current)
    {
        var friendlyName = form.Has("FriendlyName") ? form.Text("FriendlyName", FactorForms.MaxFriendlyName, 1) : null;
        var alg = ReadAlg(form);
        var skew = form.Int("Config.Skew", 0, 2);
        var codeLength = form.Int("Config.CodeLength", 3, 8);
        var timeStep = form.Int("Config.TimeStep", 20, 60);
        var now = TotpConfig.Of(current);
        var config = alg is null && skew is null && codeLength is null && timeStep is null
            ? null
            : new TotpConfig(alg ?? now.Alg, skew ?? now.Skew, codeLength ?? now.CodeLength, timeStep ?? now.TimeStep);
        return new TotpFactorChange(friendlyName, config);
    }

    /// <summary>The issuer of the Key URI: the service's <c>totp.issuer</c>, else its friendly name.</summary>
    public static string IssuerOf(Service service) => string.IsNullOrEmpty(service.Settings.TotpIssuer) ? service.FriendlyName : service.Settings.TotpIssuer;

    private static string? ReadAlg(VerifyForm form) => form.OneOf("Config.Alg", TotpAlgorithms.Sha1, TotpAlgorithms.Sha256, TotpAlgorithms.Sha512);
}
