using System.Security.Cryptography;
using OpenVerify.Protocol.Errors;
using OpenVerify.Server.Http;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Factors.Totp;

/// <summary>The TOTP parameters of CreateNewFactor and UpdateFactor (docs/protocol/rest-api.md §2.3–2.4), read into checked inputs, and their defaults.</summary>
public static class TotpForms
{
    /// <summary>Bytes of a generated secret: 160 bits, the HMAC-SHA1 output size RFC 4226 recommends.</summary>
    public const int GeneratedSecretBytes = 20;

    /// <summary>Shortest <c>Binding.Secret</c> accepted: 80 bits, what common authenticator apps still generate.</summary>
    public const int MinSecretBytes = 10;

    /// <summary>Longest <c>Binding.Secret</c> accepted.</summary>
    public const int MaxSecretBytes = 128;

    /// <summary>
    /// What CreateNewFactor carries for a totp factor, checked; null is "not sent". <paramref name="Secret"/>
    /// is <c>Binding.Secret</c> normalised to upper-case base32 without padding.
    /// </summary>
    public sealed record CreateInput(string? Alg, int? Skew, int? CodeLength, int? TimeStep, string? Secret)
    {
        /// <summary>The config of the new factor: each <c>Config.*</c> sent, else the service's <c>totp.*</c>, else sha1/1/6/30.</summary>
        public TotpConfig ConfigWith(ServiceSettings service) => new(
            Alg ?? TotpAlgorithms.Sha1,
            Skew ?? service.TotpSkew ?? 1,
            CodeLength ?? service.TotpCodeLength ?? 6,
            TimeStep ?? service.TotpTimeStep ?? 30);

        /// <summary>The base32 secret of the new factor: the one sent, else a fresh random one.</summary>
        public string SecretOrNew() => Secret ?? Base32.Encode(RandomNumberGenerator.GetBytes(GeneratedSecretBytes));
    }

    /// <summary>What an UpdateFactor of a totp factor carries, checked: the code (<c>AuthPayload</c>) and what it changes; null is "not sent".</summary>
    public sealed record UpdateInput(string? Code, string? FriendlyName, string? Alg, int? Skew, int? CodeLength, int? TimeStep)
    {
        /// <summary>The change asked of <paramref name="current"/>: the name if sent, and its config with each <c>Config.*</c> sent over it.</summary>
        public TotpFactorChange ChangeOf(Factor current)
        {
            var now = TotpConfig.Of(current);
            var config = Alg is null && Skew is null && CodeLength is null && TimeStep is null
                ? null
                : new TotpConfig(Alg ?? now.Alg, Skew ?? now.Skew, CodeLength ?? now.CodeLength, TimeStep ?? now.TimeStep);
            return new TotpFactorChange(FriendlyName, config);
        }
    }

    /// <summary>Reads the totp parameters of a CreateNewFactor form: <c>Config.Alg</c>, <c>.Skew</c>, <c>.CodeLength</c>, <c>.TimeStep</c>, then <c>Binding.Secret</c>.</summary>
    public static CreateInput ReadCreate(VerifyForm form)
    {
        var alg = ReadAlg(form);
        var skew = ReadSkew(form);
        var codeLength = ReadCodeLength(form);
        var timeStep = ReadTimeStep(form);
        var sent = form.Get("Binding.Secret");
        if (sent is null)
        {
            return new CreateInput(alg, skew, codeLength, timeStep, null);
        }

        var bytes = Base32.TryDecode(sent);
        return bytes is { Length: >= MinSecretBytes and <= MaxSecretBytes }
            ? new CreateInput(alg, skew, codeLength, timeStep, Base32.Encode(bytes))
            : throw ErrorCatalogue.InvalidParameter("Binding.Secret", $"must be base32 (RFC 4648) of {MinSecretBytes} to {MaxSecretBytes} bytes");
    }

    /// <summary>Reads an UpdateFactor form of a totp factor: <c>AuthPayload</c>, <c>FriendlyName</c>, then <c>Config.*</c>.</summary>
    public static UpdateInput ReadUpdate(VerifyForm form) => new(
        form.Text("AuthPayload", TotpCheck.MaxCodeLength, TotpCheck.MinCodeLength),
        form.Has("FriendlyName") ? form.Text("FriendlyName", FactorForms.MaxFriendlyName, 1) : null,
        ReadAlg(form),
        ReadSkew(form),
        ReadCodeLength(form),
        ReadTimeStep(form));

    /// <summary>The issuer of the Key URI: the service's <c>totp.issuer</c>, else its friendly name.</summary>
    public static string IssuerOf(Service service) => string.IsNullOrEmpty(service.Settings.TotpIssuer) ? service.FriendlyName : service.Settings.TotpIssuer;

    private static string? ReadAlg(VerifyForm form) => form.OneOf("Config.Alg", TotpAlgorithms.Sha1, TotpAlgorithms.Sha256, TotpAlgorithms.Sha512);

    private static int? ReadSkew(VerifyForm form) => form.Int("Config.Skew", 0, 2);

    private static int? ReadCodeLength(VerifyForm form) => form.Int("Config.CodeLength", 3, 8);

    private static int? ReadTimeStep(VerifyForm form) => form.Int("Config.TimeStep", 20, 60);
}
