using System.Security.Cryptography;
using OpenVerify.Protocol.Signing;
using OpenVerify.TestKit.Devices;

namespace OpenVerify.TestKit.Tests.Devices;

/// <summary>The emulator against the SDKs' own vectors (docs/protocol/device.md §1.3, §3.2), so the server tests rest on a faithful device.</summary>
public sealed class EmulatorFidelityTests
{
    [Fact]
    public void Android_encoding_escapes_everything_outside_the_rfc3986_unreserved_set()
    {
        Assert.Equal("a%20b%2Bc%2Fd%3De%3Af%2Cg!.~'()*_-", FormEncoding.Android("a b+c/d=e:f,g!.~'()*_-"));
        Assert.Equal("%C3%BC", FormEncoding.Android("ü"));
    }

    [Fact]
    public void Ios_encoding_keeps_query_allowed_characters_raw_but_escapes_plus()
    {
        Assert.Equal("%5E&value1", FormEncoding.Ios("^&value1"));
        Assert.Equal("Metadata=%7B%22os%22:%22iOS%22,%22v%22:%221/2%22%7D", FormEncoding.Ios("Metadata={\"os\":\"iOS\",\"v\":\"1/2\"}"));
        Assert.Equal("k=a%20b%2Bc/d=e", FormEncoding.Ios("k=a b+c/d=e"));
    }

    [Fact]
    public void Android_transcoding_matches_the_sdk_test_vector()
    {
        Assert.True(Base64Url.TryDecode("MEQCIFtun9Ioo-W-juCG7sOl8PPPuozb8cspsUtpu2TxnzP_AiAi1VpFNTr2eK-VX3b1DLHy8rPm3MOpTvUH14hyNr0Gfg", out var der));
        Assert.Equal("W26f0iij5b6O4Ibuw6Xw88-6jNvxyymxS2m7ZPGfM_8i1VpFNTr2eK-VX3b1DLHy8rPm3MOpTvUH14hyNr0Gfg", Base64Url.Encode(SdkSignatures.AndroidConcat(der)));
        Assert.Equal(SdkSignatures.AndroidConcat(der), SdkSignatures.IosConcat(der));
    }

    [Fact]
    public void The_ios_transcoder_pads_a_short_component_by_one_byte_only()
    {
        // r = 30 significant bytes (two leading zero bytes), s = 32 bytes: iOS emits 31 + 32 = 63 bytes.
        byte[] r = [0x01, .. Enumerable.Repeat((byte)0x11, 29)];
        byte[] s = [0x22, .. Enumerable.Repeat((byte)0x33, 31)];
        byte[] der = [0x30, (byte)(2 + r.Length + 2 + s.Length), 0x02, (byte)r.Length, .. r, 0x02, (byte)s.Length, .. s];
        Assert.Equal(63, SdkSignatures.IosConcat(der).Length);
        Assert.Equal(64, SdkSignatures.AndroidConcat(der).Length);
    }

    [Fact]
    public void A_forced_short_signature_verifies_once_the_missing_zero_byte_is_restored()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var data = "header.payload"u8.ToArray();
        var shortSignature = SdkSignatures.ForcedShortConcat(key, data);
        Assert.Equal(63, shortSignature.Length);
        Assert.True(Es256.VerifyRaw(key, data, shortSignature));
    }

    [Fact]
    public void The_verify_factor_payload_is_standard_base64_der_over_the_factor_sid()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var payload = SdkSignatures.VerifyFactorPayload(key, "YF0123");
        Assert.True(Es256.VerifyDer(key, "YF0123"u8, Convert.FromBase64String(payload)));
    }

    [Fact]
    public void The_public_key_is_124_characters_of_spki_base64()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = P256PublicKey.Export(key);
        Assert.Equal(124, spki.Length);
        Assert.StartsWith("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", spki);
        Assert.EndsWith("=", spki);
    }
}
