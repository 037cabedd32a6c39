using System.Security.Cryptography;
using System.Text;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.Protocol.Tests.Signing;

/// <summary>
/// What a device JWT or a challenge answer must survive: any change to header, payload or signature,
/// another key, or a header that names another algorithm is refused; a malformed token is not parsed.
/// </summary>
public sealed class CompactJwsVerificationTests : IDisposable
{
    private const string Header = """{"alg":"ES256","typ":"JWT"}""";
    private const string Payload = """{"sub":"AC0123456789abcdef0123456789abcdef","exp":1780315800,"status":"approved"}""";
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        key.Dispose();
        other.Dispose();
    }

    [Fact]
    public void A_signed_token_parses_to_its_header_and_payload_and_verifies()
    {
        var token = CompactJws.SignEs256(key, Header, Payload);

        Assert.Equal(2, token.Count(c => c == '.'));
        Assert.DoesNotContain('=', token);
        Assert.True(CompactJws.TryParse(token, out var jws));
        using (jws)
        {
            Assert.Equal("ES256", jws.HeaderString("alg"));
            Assert.Equal("JWT", jws.HeaderString("typ"));
            Assert.Null(jws.HeaderString("kid"));
            Assert.Equal("approved", jws.Payload.RootElement.GetProperty("status").GetString());
            Assert.True(jws.HasEs256Header());
            Assert.True(jws.VerifyEs256(key));
        }
    }

    [Fact]
    public void A_token_checked_with_another_key_is_refused()
    {
        using var jws = Parse(CompactJws.SignEs256(key, Header, Payload));
        Assert.False(jws.VerifyEs256(other));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(63)]
    public void A_signature_with_one_bit_flipped_is_refused(int index)
    {
        var parts = CompactJws.SignEs256(key, Header, Payload).Split('.');
        Assert.True(Base64Url.TryDecode(parts[2], out var signature));
        Assert.Equal(64, signature.Length);
        signature[index] ^= 0x01;

        using var jws = Parse($"{parts[0]}.{parts[1]}.{Base64Url.Encode(signature)}");
        Assert.False(jws.VerifyEs256(key));
    }

    [Theory]
    [InlineData("""{"alg":"ES256","typ":"JWT","kid":"CR0123456789abcdef0123456789abcdef"}""", Payload)]
    [InlineData("""{"typ":"JWT","alg":"ES256"}""", Payload)]
    [InlineData(Header, """{"sub":"AC0123456789abcdef0123456789abcdef","exp":1780315800,"status":"denied"}""")]
    [InlineData(Header, """{"sub":"AC0123456789abcdef0123456789abcdef","exp":1780315801,"status":"approved"}""")]
    public void A_header_or_payload_changed_after_signing_is_refused(string header, string payload)
    {
        var signed = CompactJws.SignEs256(key, Header, Payload).Split('.');
        var tampered = $"{Encode(header)}.{Encode(payload)}.{signed[2]}";

        using var jws = Parse(tampered);
        Assert.False(jws.VerifyEs256(key));
    }

    [Fact]
    public void A_token_cut_after_the_payload_is_refused()
    {
        var parts = CompactJws.SignEs256(key, Header, Payload).Split('.');
        using var jws = Parse($"{parts[0]}.{parts[1]}.");
        Assert.False(jws.VerifyEs256(key));
    }

    /// <summary>
    /// The signature is valid over the bytes, but the header names another algorithm: the protocol
    /// fixes ES256, so the token's own choice is never followed (no alg confusion, no "none").
    /// </summary>
    [Theory]
    [InlineData("""{"alg":"ES384"}""")]
    [InlineData("""{"alg":"HS256"}""")]
    [InlineData("""{"alg":"RS256"}""")]
    [InlineData("""{"alg":"none"}""")]
    [InlineData("""{"alg":"es256"}""")]
    [InlineData("""{"alg":"ES256 "}""")]
    [InlineData("""{"alg":["ES256"]}""")]
    [InlineData("""{"typ":"JWT"}""")]
    public void A_header_that_names_another_algorithm_is_refused_even_with_a_valid_signature(string header)
    {
        using var jws = Parse(CompactJws.SignEs256(key, header, Payload));
        Assert.False(jws.VerifyEs256(key));
        Assert.False(jws.HasEs256Header());
    }

    [Fact]
    public void An_unsigned_none_token_is_refused()
    {
        using var jws = Parse($"{Encode("""{"alg":"none"}""")}.{Encode(Payload)}.");
        Assert.False(jws.VerifyEs256(key));
    }

    [Fact]
    public void An_hmac_token_keyed_with_the_public_key_is_refused()
    {
        // The classic alg confusion: HS256 with the verifier's public key as the HMAC secret.
        var input = $"{Encode("""{"alg":"HS256"}""")}.{Encode(Payload)}";
        var mac = HMACSHA256.HashData(key.ExportSubjectPublicKeyInfo(), Encoding.ASCII.GetBytes(input));
        using var jws = Parse($"{input}.{Base64Url.Encode(mac)}");
        Assert.False(jws.VerifyEs256(key));
    }

    public static TheoryData<string> Malformed()
    {
        var h = Encode(Header);
        var p = Encode(Payload);
        const string s = "AAAA";
        return new TheoryData<string>
        {
            "",
            "abc",
            $"{h}.{p}",
            $"{h}.{p}.{s}.{s}",
            $".{p}.{s}",
            $"{h}..{s}",
            $"{h}.{p}.A",
            $"{h}+.{p}.{s}",
            $"{h}.{p}/.{s}",
            $"{h}.{p}.{s}*",
            $"{h}.{p}.AA AA",
            $"{h}.{p}.{s}\n",
            $"{h}.{p}.=AAA",
            $"{Encode("not json")}.{p}.{s}",
            $"{h}.{Encode("not json")}.{s}",
            $"{h}.{Encode("\"a string\"")}.{s}",
            $"{Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"alg\":\"ES256\",\"x\":\"??>\"}"))}.{p}.{s}",
            $"{h}.{p}.{new string('A', CompactJws.MaxLength)}",
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_token_is_not_parsed(string compact) => Assert.False(CompactJws.TryParse(compact, out _));

    [Fact]
    public void Null_is_not_parsed() => Assert.False(CompactJws.TryParse(null, out _));

    [Fact]
    public void A_token_of_exactly_the_maximum_length_is_parsed()
    {
        var prefix = $"{Encode(Header)}.";
        var suffix = "." + Base64Url.Encode(new byte[64]);
        // Pad the payload with spaces inside the JSON object until the whole token is MaxLength long.
        var padding = 0;
        string token;
        do
        {
            token = prefix + Encode("{" + new string(' ', padding++) + "}") + suffix;
        }
        while (token.Length < CompactJws.MaxLength);

        Assert.True(token.Length is CompactJws.MaxLength or CompactJws.MaxLength + 1 or CompactJws.MaxLength + 2);
        Assert.Equal(token.Length == CompactJws.MaxLength, CompactJws.TryParse(token, out var jws));
        jws?.Dispose();
    }

    private static string Encode(string json) => Base64Url.Encode(Encoding.UTF8.GetBytes(json));

    private static CompactJws Parse(string compact)
    {
        Assert.True(CompactJws.TryParse(compact, out var jws));
        return jws;
    }
}
