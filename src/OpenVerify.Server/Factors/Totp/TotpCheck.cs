using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OpenVerify.Protocol.Errors;
using OpenVerify.Server.Secrets;

namespace OpenVerify.Server.Factors.Totp;

/// <summary>Turns a code sent for a totp factor into a <see cref="TotpAttempt"/>: opens the secret, finds the step it matches.</summary>
public sealed class TotpCheck(SecretBox secrets, IOptions<TotpOptions> options)
{
    /// <summary>Shortest code accepted as <c>AuthPayload</c> (docs/protocol/rest-api.md §2.5).</summary>
    public const int MinCodeLength = 3;

    /// <summary>Longest code accepted as <c>AuthPayload</c>.</summary>
    public const int MaxCodeLength = 8;

    /// <summary>The attempt <paramref name="code"/> makes on <paramref name="factor"/> at <paramref name="now"/> (Unix seconds).</summary>
    public TotpAttempt Attempt(Factor factor, string code, long now)
    {
        var secret = Base32.TryDecode(Open(factor)) ?? throw new CryptographicException("the stored TOTP secret is not base32");
        try
        {
            var step = TotpCode.Match(secret, TotpConfig.Of(factor), code, now);
            return new TotpAttempt(factor.Sid, step, now, options.Value.MaxFailedAttempts, (long)Math.Ceiling(options.Value.LockDuration.TotalSeconds));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Seals a base32 secret for the factor <paramref name="factorSid"/>.</summary>
    public string Seal(string base32Secret, string factorSid) => secrets.Seal(base32Secret, factorSid);

    /// <summary>Raises what a refusal of the store means: 60310 while locked.</summary>
    public static void ThrowIfLocked(TotpResult result, long now)
    {
        if (result.Verdict == TotpVerdict.Locked && result.LockedUntil is { } until)
        {
            throw ErrorCatalogue.FactorLocked(TimeSpan.FromSeconds(Math.Max(1, until - now)));
        }
    }

    private string Open(Factor factor) =>
        factor.TotpSecret is { } sealedSecret ? secrets.Open(sealedSecret, factor.Sid) : throw new CryptographicException("the totp factor has no secret");
}
