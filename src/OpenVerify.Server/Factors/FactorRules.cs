using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Signing;
using OpenVerify.Protocol.Wire;

namespace OpenVerify.Server.Factors;

/// <summary>
/// What a factor allows: who may create which type, how its push settings go together, what proves
/// a push device's key, and that only a verified factor is challenged (docs/protocol/device.md §1.4, §3.3).
/// </summary>
public static class FactorRules
{
    /// <summary>Raises 60318 unless the factor is verified: an unverified one cannot be challenged.</summary>
    public static void RequireVerified(Factor factor)
    {
        if (factor.Status != FactorStatuses.Verified)
        {
            throw ErrorCatalogue.FactorNotVerified();
        }
    }

    /// <summary>
    /// Raises 20403 for a totp factor asked for with an enrolment access token: the token is for a
    /// push device; the backend creates totp factors.
    /// </summary>
    public static void RequireCreatable(string factorType, bool byAccessToken)
    {
        if (byAccessToken && factorType == FactorTypes.Totp)
        {
            throw ErrorCatalogue.Forbidden("An enrolment access token creates push factors; the backend creates totp factors");
        }
    }

    /// <summary>
    /// Platform and token together, from what was sent (<paramref name="platform"/>, <paramref name="token"/>:
    /// null when not sent) over the current ones: <c>none</c> clears the token; <c>apn</c>/<c>fcm</c> need
    /// a token, sent now or kept from before. A token alone needs a platform other than <c>none</c> already set.
    /// </summary>
    public static (string Platform, string? Token) Notification(string currentPlatform, string? currentToken, string? platform, string? token)
    {
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

    /// <summary>Raises 60311 unless <paramref name="authPayload"/> proves the push factor's key.</summary>
    public static void RequireProof(Factor factor, string authPayload)
    {
        if (!ProvesKey(factor, authPayload))
        {
            throw ErrorCatalogue.FactorVerificationFailed();
        }
    }

    /// <summary>True when <paramref name="authPayload"/> is a base64 DER ECDSA signature of the factor SID by the factor's key.</summary>
    public static bool ProvesKey(Factor factor, string authPayload)
    {
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(authPayload);
        }
        catch (FormatException)
        {
            return false;
        }

        if (!P256PublicKey.TryImport(factor.PublicKey, out var key))
        {
            return false;
        }

        using (key)
        {
            return Es256.VerifyDer(key, System.Text.Encoding.UTF8.GetBytes(factor.Sid), signature);
        }
    }
}
