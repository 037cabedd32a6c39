using System.Security.Cryptography;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.Protocol.Tests.Signing;

public sealed class DeviceJwtClaimsTests : IDisposable
{
    private const string Kid = "CR0123456789abcdef0123456789abcdef";
    private const string Sub = "AC0123456789abcdef0123456789abcdef";
    private const long Now = 1_780_315_200;
    private static readonly TimeSpan Leeway = TimeSpan.FromSeconds(60);
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose() => key.Dispose();

    private static string Header(string members = $"\"kid\":\"{Kid}\",\"alg\":\"ES256\"") => "{" + members + "}";

    private static string Payload(string exp = "1780315800", string nbf = "1780315200", string extra = "") =>
        $$"""{"sub":"{{Sub}}","exp":{{exp}},"nbf":{{nbf}}{{extra}}}""";

    private DeviceJwtClaims? Read(string header, string payload)
    {
        Assert.True(CompactJws.TryParse(CompactJws.SignEs256(key, header, payload), out var jws));
        using (jws)
        {
            return DeviceJwtClaims.TryRead(jws, out var claims) ? claims : null;
        }
    }

    [Fact]
    public void The_sdk_token_is_read_with_its_values()
    {
        var claims = Read($$"""{"cty":"twilio-pba;v=1","kid":"{{Kid}}","typ":"JWT","alg":"ES256"}""", Payload());
        Assert.Equal(new DeviceJwtClaims(Kid, Sub, Now, Now + 600, null), claims);
        Assert.True(claims!.IsCurrent(Now, Leeway));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"1780315800\"")]
    [InlineData("true")]
    [InlineData("[1780315800]")]
    [InlineData("{}")]
    [InlineData("1780315800.0")]
    [InlineData("1780315800.5")]
    [InlineData("1.7803158e9")]
    [InlineData("1e308")]
    [InlineData("-1")]
    [InlineData("9007199254740991")]
    [InlineData("9223372036854775807")]
    [InlineData("9223372036854775808")]
    [InlineData("253402300800")]
    public void Exp_nbf_and_iat_must_be_integer_numeric_dates_from_0_to_year_9999(string value)
    {
        Assert.Null(Read(Header(), Payload(exp: value)));
        Assert.Null(Read(Header(), Payload(nbf: value)));
        Assert.Null(Read(Header(), Payload(extra: ",\"iat\":" + value)));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("253402300799")]
    public void The_numeric_date_range_is_inclusive(string value) => Assert.NotNull(Read(Header(), Payload(extra: ",\"iat\":" + value)));

    [Theory]
    [InlineData("""{"exp":1780315800,"nbf":1780315200}""")]
    [InlineData("""{"sub":null,"exp":1780315800,"nbf":1780315200}""")]
    [InlineData("""{"sub":1,"exp":1780315800,"nbf":1780315200}""")]
    [InlineData("""{"sub":["AC0123456789abcdef0123456789abcdef"],"exp":1780315800,"nbf":1780315200}""")]
    [InlineData("""{"sub":{"sid":"AC0123456789abcdef0123456789abcdef"},"exp":1780315800,"nbf":1780315200}""")]
    [InlineData("""{"sub":"AC0123456789abcdef0123456789abcdef","nbf":1780315200}""")]
    [InlineData("""{"sub":"AC0123456789abcdef0123456789abcdef","exp":1780315800}""")]
    [InlineData("""{"sub":"AC0123456789abcdef0123456789abcdef","exp":1780315800,"nbf":1780315200,"aud":"verify"}""")]
    [InlineData("""{"sub":"AC0123456789abcdef0123456789abcdef","exp":1780315800,"nbf":1780315200,"aud":null}""")]
    public void Sub_must_be_a_string_exp_and_nbf_present_and_aud_absent(string payload) => Assert.Null(Read(Header(), payload));

    [Theory]
    [InlineData("\"alg\":\"ES256\"")]
    [InlineData("\"kid\":null,\"alg\":\"ES256\"")]
    [InlineData("\"kid\":1,\"alg\":\"ES256\"")]
    [InlineData("\"kid\":[\"CR0123456789abcdef0123456789abcdef\"],\"alg\":\"ES256\"")]
    [InlineData("\"kid\":\"YF0123456789abcdef0123456789abcdef\",\"alg\":\"ES256\"")]
    [InlineData("\"kid\":\"CR0123456789abcdef0123456789abcdef\"")]
    [InlineData("\"kid\":\"CR0123456789abcdef0123456789abcdef\",\"alg\":\"es256\"")]
    [InlineData("\"kid\":\"CR0123456789abcdef0123456789abcdef\",\"alg\":[\"ES256\"]")]
    [InlineData("\"kid\":\"CR0123456789abcdef0123456789abcdef\",\"alg\":\"ES256\",\"typ\":1")]
    [InlineData("\"kid\":\"CR0123456789abcdef0123456789abcdef\",\"alg\":\"ES256\",\"typ\":\"JWS\"")]
    [InlineData("\"kid\":\"CR0123456789abcdef0123456789abcdef\",\"alg\":\"ES256\",\"cty\":null")]
    [InlineData("\"kid\":\"CR0123456789abcdef0123456789abcdef\",\"alg\":\"ES256\",\"cty\":\"twilio-fpa;v=1\"")]
    [InlineData("\"kid\":\"CR0123456789abcdef0123456789abcdef\",\"alg\":\"ES256\",\"crit\":[]")]
    public void The_header_needs_alg_ES256_and_a_credential_kid_and_refuses_other_typ_cty_and_any_crit(string members) =>
        Assert.Null(Read(Header(members), Payload()));

    [Fact]
    public void Typ_is_compared_without_case_and_unknown_members_are_ignored()
    {
        Assert.NotNull(Read(Header($"\"kid\":\"{Kid}\",\"alg\":\"ES256\",\"typ\":\"jwt\",\"x5t\":{{\"a\":[1,null]}}"), Payload(extra: ",\"jti\":7,\"x\":[{}]")));
    }

    [Fact]
    public void Duplicate_members_never_reach_the_claims()
    {
        Assert.False(CompactJws.TryParse(CompactJws.SignEs256(key, Header(), Payload(extra: ",\"exp\":1780315800")), out _));
        Assert.False(CompactJws.TryParse(CompactJws.SignEs256(key, Header($"\"kid\":\"{Kid}\",\"alg\":\"none\",\"alg\":\"ES256\""), Payload()), out _));
    }

    [Theory]
    [InlineData(Now, Now + 600, Now, true)]
    [InlineData(Now + 60, Now + 660, Now, true)]
    [InlineData(Now - 660, Now - 59, Now, true)]
    [InlineData(Now + 61, Now + 661, Now, false)]
    [InlineData(Now - 661, Now - 60, Now, false)]
    [InlineData(Now, Now + 661, Now, false)]
    [InlineData(Now, Now + 660, Now, true)]
    [InlineData(Now + 30, Now - 30, Now, false)]
    [InlineData(0, DeviceJwtClaims.MaxNumericDate, Now, false)]
    public void IsCurrent_allows_the_leeway_either_side_and_ten_minutes_of_life(long nbf, long exp, long now, bool current) =>
        Assert.Equal(current, new DeviceJwtClaims(Kid, Sub, nbf, exp, null).IsCurrent(now, Leeway));

    [Fact]
    public void An_iat_in_the_future_is_not_current()
    {
        Assert.True(new DeviceJwtClaims(Kid, Sub, Now, Now + 600, Now + 60).IsCurrent(Now, Leeway));
        Assert.False(new DeviceJwtClaims(Kid, Sub, Now, Now + 600, Now + 61).IsCurrent(Now, Leeway));
    }
}
