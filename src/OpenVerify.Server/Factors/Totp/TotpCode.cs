using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OpenVerify.Server.Factors.Totp;

/// <summary>
/// RFC 6238 time-based codes (RFC 4226 dynamic truncation over an HMAC of the time step).
/// Note: written here rather than taken from a package because the server must decide how a code
/// is compared and what a match means: every step of the skew window is compared in constant time
/// (no early exit that times which step matched), and the matched step itself is returned, since
/// replay protection stores it in the database and refuses any step not later than the last one.
/// </summary>
public static class TotpCode
{
    private static readonly int[] PowersOfTen = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

    /// <summary>The time step that <paramref name="unixSeconds"/> falls in.</summary>
    public static long StepAt(long unixSeconds, int timeStep) => Math.DivRem(unixSeconds, timeStep, out var rest) - (rest < 0 ? 1 : 0);

    /// <summary>The code of <paramref name="step"/>: <paramref name="digits"/> decimal digits, zero-padded.</summary>
    public static string Compute(ReadOnlySpan<byte> secret, string alg, long step, int digits)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[64];
        var length = alg switch
        {
            TotpAlgorithms.Sha1 => HMACSHA1.HashData(secret, counter, hash),
            TotpAlgorithms.Sha256 => HMACSHA256.HashData(secret, counter, hash),
            TotpAlgorithms.Sha512 => HMACSHA512.HashData(secret, counter, hash),
            _ => throw new ArgumentOutOfRangeException(nameof(alg), alg, "not a TOTP algorithm"),
        };
        var offset = hash[length - 1] & 0x0F;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7FFF_FFFF;
        return (binary % PowersOfTen[digits]).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>
    /// The latest step within <c>skew</c> steps of the one <paramref name="unixSeconds"/> falls in
    /// whose code is <paramref name="code"/>, or null. Every step of the window is computed and
    /// compared in constant time, whatever matches.
    /// </summary>
    public static long? Match(ReadOnlySpan<byte> secret, TotpConfig config, string code, long unixSeconds)
    {
        var current = StepAt(unixSeconds, config.TimeStep);
        var given = Encoding.ASCII.GetBytes(code);
        long? matched = null;
        for (var step = current - config.Skew; step <= current + config.Skew; step++)
        {
            var expected = Encoding.ASCII.GetBytes(Compute(secret, config.Alg, step, config.CodeLength));
            // Note: the length is the factor's code_length, not a secret; FixedTimeEquals answers false at once for another length.
            if (CryptographicOperations.FixedTimeEquals(expected, given))
            {
                matched = step;
            }
        }

        return matched;
    }
}

/// <summary>TOTP HMAC algorithms as the wire names them (<c>config.alg</c>).</summary>
public static class TotpAlgorithms
{
    /// <summary>HMAC-SHA1, the default of every authenticator app.</summary>
    public const string Sha1 = "sha1";
    /// <summary>HMAC-SHA256.</summary>
    public const string Sha256 = "sha256";
    /// <summary>HMAC-SHA512.</summary>
    public const string Sha512 = "sha512";
}

/// <summary>A TOTP factor's <c>config</c>, in the wire's property order.</summary>
/// <param name="Alg">sha1 | sha256 | sha512.</param>
/// <param name="Skew">Steps accepted before and after the current one, 0–2.</param>
/// <param name="CodeLength">Digits, 3–8.</param>
/// <param name="TimeStep">Seconds per step, 20–60.</param>
public sealed record TotpConfig(string Alg, int Skew, int CodeLength, int TimeStep)
{
    /// <summary>The config stored on a totp factor.</summary>
    public static TotpConfig Of(Factor factor) =>
        new(factor.TotpAlg ?? TotpAlgorithms.Sha1, factor.TotpSkew ?? 1, factor.TotpCodeLength ?? 6, factor.TotpTimeStep ?? 30);
}
