using System.Text;
using OpenVerify.Server.Factors.Totp;
using OpenVerify.Server.Tests.Infrastructure;
using OtpNet;

namespace OpenVerify.Server.Tests.Factors.Totp;

/// <summary>The server's RFC 6238 codes, base32 and Key URIs, against the RFC's vectors and Otp.NET.</summary>
public sealed class TotpCodeTests
{
    // RFC 6238 Appendix B: the seeds are ASCII "1234567890" repeated to 20, 32 and 64 bytes; 8 digits, 30 s.
    [Theory]
    [InlineData(59L, "sha1", "94287082")]
    [InlineData(1111111109L, "sha1", "07081804")]
    [InlineData(1111111111L, "sha1", "14050471")]
    [InlineData(1234567890L, "sha1", "89005924")]
    [InlineData(2000000000L, "sha1", "69279037")]
    [InlineData(20000000000L, "sha1", "65353130")]
    [InlineData(59L, "sha256", "46119246")]
    [InlineData(1111111109L, "sha256", "68084774")]
    [InlineData(1111111111L, "sha256", "67062674")]
    [InlineData(1234567890L, "sha256", "91819424")]
    [InlineData(2000000000L, "sha256", "90698825")]
    [InlineData(20000000000L, "sha256", "77737706")]
    [InlineData(59L, "sha512", "90693936")]
    [InlineData(1111111109L, "sha512", "25091201")]
    [InlineData(1111111111L, "sha512", "99943326")]
    [InlineData(1234567890L, "sha512", "93441116")]
    [InlineData(2000000000L, "sha512", "38618901")]
    [InlineData(20000000000L, "sha512", "47863826")]
    public void Rfc6238_appendix_B_vectors(long unixSeconds, string alg, string expected)
    {
        var seed = Seed(alg);
        Assert.Equal(expected, TotpCode.Compute(seed, alg, TotpCode.StepAt(unixSeconds, 30), 8));
        Assert.Equal(TotpCode.StepAt(unixSeconds, 30), TotpCode.Match(seed, new TotpConfig(alg, 0, 8, 30), expected, unixSeconds));
    }

    [Theory]
    [InlineData("sha1", 6, 30)]
    [InlineData("sha256", 8, 60)]
    [InlineData("sha512", 3, 20)]
    [InlineData("sha1", 7, 45)]
    public void Codes_agree_with_Otp_NET_for_random_secrets(string alg, int digits, int period)
    {
        var random = new Random(digits * period);
        for (var i = 0; i < 200; i++)
        {
            var secret = new byte[10 + random.Next(40)];
            random.NextBytes(secret);
            var at = 1_700_000_000L + random.Next(100_000_000);
            var reference = new OtpNet.Totp(secret, period, TotpEnrolment.ModeOf(alg), digits).ComputeTotp(DateTimeOffset.FromUnixTimeSeconds(at).UtcDateTime);
            Assert.Equal(reference, TotpCode.Compute(secret, alg, TotpCode.StepAt(at, period), digits));
        }
    }

    [Fact]
    public void Match_finds_the_step_within_the_skew_and_nothing_outside_it()
    {
        var seed = Seed("sha1");
        var config = new TotpConfig("sha1", 1, 6, 30);
        const long now = 1_800_000_015;
        var step = TotpCode.StepAt(now, 30);
        for (var k = -3; k <= 3; k++)
        {
            var code = TotpCode.Compute(seed, "sha1", step + k, 6);
            Assert.Equal(Math.Abs(k) <= 1 ? step + k : null, TotpCode.Match(seed, config, code, now));
        }

        Assert.Null(TotpCode.Match(seed, config, "12345", now));
        Assert.Null(TotpCode.Match(seed, config, "1234567", now));
    }

    [Fact]
    public void Base32_round_trips_and_agrees_with_Otp_NET()
    {
        var random = new Random(7);
        for (var length = 1; length < 70; length++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            var text = Base32.Encode(bytes);
            Assert.Equal(Base32Encoding.ToString(bytes).TrimEnd('='), text);
            Assert.Equal(bytes, Base32.TryDecode(text));
            Assert.Equal(bytes, Base32.TryDecode(text.ToLowerInvariant()));
        }

        Assert.Equal("", Base32.Encode([]));
        Assert.Equal(Encoding.ASCII.GetBytes("12345678901234567890"), Base32.TryDecode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
        Assert.Null(Base32.TryDecode("GEZDGNBV1"));
        Assert.Null(Base32.TryDecode("GEZDGNBVGY3TQOJQ GEZDGNBV"));
        Assert.Null(Base32.TryDecode("MZ")); // spare bits not zero: "MY" is the one spelling of "f"
    }

    [Fact]
    public void The_key_uri_has_the_google_authenticator_shape_and_reads_back()
    {
        var uri = new TotpKeyUri("My Inc", "alice@example.com", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", new TotpConfig("sha256", 1, 8, 60)).ToString();
        Assert.Equal("otpauth://totp/My%20Inc:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=My%20Inc&algorithm=SHA256&digits=8&period=60", uri);
        var parsed = TotpKeyUri.TryParse(uri)!;
        Assert.Equal(("My Inc", "alice@example.com", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "sha256", 8, 60),
            (parsed.Issuer, parsed.Account, parsed.Secret, parsed.Config.Alg, parsed.Config.CodeLength, parsed.Config.TimeStep));
        var defaults = TotpKeyUri.TryParse("otpauth://totp/alice?secret=gezdgnbvgy3tqojq")!;
        Assert.Equal(("", "alice", "GEZDGNBVGY3TQOJQ", "sha1", 6, 30), (defaults.Issuer, defaults.Account, defaults.Secret, defaults.Config.Alg, defaults.Config.CodeLength, defaults.Config.TimeStep));
        Assert.Null(TotpKeyUri.TryParse("otpauth://hotp/alice?secret=GEZDGNBV"));
        Assert.Null(TotpKeyUri.TryParse("otpauth://totp/alice?issuer=x"));
        Assert.Null(TotpKeyUri.TryParse("otpauth://totp/alice?secret=GEZDGNBV&algorithm=MD5"));
    }

    private static byte[] Seed(string alg)
    {
        var length = alg switch { "sha256" => 32, "sha512" => 64, _ => 20 };
        return Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("1234567890", 7))[..length]);
    }
}
