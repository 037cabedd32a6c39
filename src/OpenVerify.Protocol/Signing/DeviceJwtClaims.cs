using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using OpenVerify.Protocol.Sids;
using OpenVerify.Protocol.Wire;

namespace OpenVerify.Protocol.Signing;

/// <summary>
/// The claims of a device-auth JWT (docs/protocol/device.md §2), read with exactly the JSON types the SDKs
/// send and nothing coerced. Header: <c>alg</c> the string <c>ES256</c>, <c>kid</c> a credential SID,
/// <c>typ</c> (the string <c>JWT</c>) and <c>cty</c> (the string <c>twilio-pba;v=1</c>) optional, no
/// <c>crit</c>. Payload: <c>sub</c> a string, <c>exp</c> and <c>nbf</c> integer NumericDates,
/// <c>iat</c> one too when present, no <c>aud</c>. Other members are ignored (RFC 7515 §4, RFC 7519
/// §4); duplicates and deep nesting were already refused by <see cref="CompactJws.TryParse"/>.
/// </summary>
/// <param name="KeyId"><c>kid</c>: the factor's credential SID.</param>
/// <param name="Subject"><c>sub</c>: the factor's account SID.</param>
/// <param name="NotBefore"><c>nbf</c>, Unix seconds.</param>
/// <param name="Expires"><c>exp</c>, Unix seconds.</param>
/// <param name="IssuedAt"><c>iat</c>, Unix seconds, when sent (the SDKs never send it).</param>
public sealed record DeviceJwtClaims(string KeyId, string Subject, long NotBefore, long Expires, long? IssuedAt)
{
    /// <summary>
    /// Latest NumericDate accepted: 9999-12-31T23:59:59Z, the last second a date can show. It also keeps
    /// <c>exp − nbf</c> far from overflowing.
    /// </summary>
    public const long MaxNumericDate = 253_402_300_799;

    /// <summary>Reads the claims; false when any member the protocol uses is missing, of another JSON type or out of range.</summary>
    public static bool TryRead(CompactJws jws, [NotNullWhen(true)] out DeviceJwtClaims? claims)
    {
        claims = null;
        var payload = jws.Payload.RootElement;
        if (!jws.HasEs256Header(DeviceJwt.ContentType)
            || jws.HeaderString("kid") is not { } kid || !Sid.IsValid(kid, SidPrefix.Credential)
            || !payload.TryGetProperty("sub", out var sub) || sub.ValueKind != JsonValueKind.String
            || !TryNumericDate(payload, "exp", out var exp) || exp is null
            || !TryNumericDate(payload, "nbf", out var nbf) || nbf is null
            || !TryNumericDate(payload, "iat", out var iat)
            || payload.TryGetProperty("aud", out _))
        {
            // Note: aud is refused rather than ignored: RFC 7519 §4.1.3 says a reader it does not name must reject.
            return false;
        }

        claims = new DeviceJwtClaims(kid, sub.GetString()!, nbf.Value, exp.Value, iat);
        return true;
    }

    /// <summary>
    /// True when the token is usable at <paramref name="now"/> (Unix seconds): not before <c>nbf</c> and
    /// not after <c>exp</c> give or take <paramref name="leeway"/>, <c>iat</c> not in the future, and
    /// living no longer than the SDK's 10 minutes (plus leeway), so a leaked token ages out.
    /// </summary>
    public bool IsCurrent(long now, TimeSpan leeway)
    {
        var slack = (long)leeway.TotalSeconds;
        return NotBefore <= now + slack && Expires > now - slack && NotBefore <= Expires
            && Expires - NotBefore <= (long)DeviceJwt.Lifetime.TotalSeconds + slack
            && (IssuedAt is null || IssuedAt <= now + slack);
    }

    /// <summary>
    /// An optional integer NumericDate member: true with null when absent; false when present but not a
    /// JSON integer from 0 to <see cref="MaxNumericDate"/> (null, strings, fractions, exponents, 1e308…).
    /// </summary>
    private static bool TryNumericDate(JsonElement payload, string name, out long? value)
    {
        value = null;
        if (!payload.TryGetProperty(name, out var element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var seconds) || seconds is < 0 or > MaxNumericDate)
        {
            return false;
        }

        value = seconds;
        return true;
    }
}
