using System.Security.Cryptography;
using OpenVerify.Protocol.Signing;
using OpenVerify.Protocol.Wire;

namespace OpenVerify.Protocol.Tests.Signing;

public sealed class CompactJwsTests : IDisposable
{
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose() => key.Dispose();

    private CompactJws Parse(string header, string payload)
    {
        Assert.True(CompactJws.TryParse(CompactJws.SignEs256(key, header, payload), out var jws));
        return jws;
    }

    [Theory]
    [InlineData("""{"typ":"JWT","alg":"ES256","status":"denied","status":"approved"}""", """{}""")]
    [InlineData("""{"alg":"ES256"}""", """{"status":"denied","status":"approved"}""")]
    [InlineData("""{"alg":"ES256"}""", """{"details":{"message":"a","message":"b"}}""")]
    [InlineData("""{"alg":"ES256"}""", """{"status":"\ud800"}""")]
    [InlineData("""{"alg":"ES256"}""", """["status"]""")]
    [InlineData("""null""", """{}""")]
    public void A_jws_with_duplicate_members_undecodable_strings_or_a_non_object_part_is_not_parsed(string header, string payload) =>
        Assert.False(CompactJws.TryParse(CompactJws.SignEs256(key, header, payload), out _));

    [Fact]
    public void A_payload_nested_deeper_than_the_protocol_is_not_parsed()
    {
        var payload = "{\"x\":" + new string('[', StrictJson.MaxDepth) + new string(']', StrictJson.MaxDepth) + "}";
        Assert.False(CompactJws.TryParse(CompactJws.SignEs256(key, """{"alg":"ES256"}""", payload), out _));
    }

    [Theory]
    [InlineData("""{"typ":"JWT","alg":"ES256"}""", null, true)]
    [InlineData("""{"alg":"ES256"}""", null, true)]
    [InlineData("""{"alg":"ES256","typ":"jwt"}""", null, true)]
    [InlineData("""{"alg":"ES256","cty":"twilio-pba;v=1"}""", null, false)]
    [InlineData("""{"alg":"ES256","cty":"twilio-pba;v=1"}""", "twilio-pba;v=1", true)]
    [InlineData("""{"alg":"ES256","cty":["twilio-pba;v=1"]}""", "twilio-pba;v=1", false)]
    [InlineData("""{"alg":"ES256","typ":null}""", null, false)]
    [InlineData("""{"alg":"ES256","typ":"JOSE"}""", null, false)]
    [InlineData("""{"alg":"ES256","crit":["b64"],"b64":false}""", null, false)]
    [InlineData("""{"alg":"none"}""", null, false)]
    [InlineData("""{"alg":256}""", null, false)]
    [InlineData("""{"typ":"JWT"}""", null, false)]
    public void HasEs256Header_accepts_only_the_protocol_header(string header, string? contentType, bool expected)
    {
        using var jws = Parse(header, "{}");
        Assert.Equal(expected, jws.HasEs256Header(contentType));
    }
}
