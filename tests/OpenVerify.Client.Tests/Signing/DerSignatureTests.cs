using System.Security.Cryptography;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.Client.Tests;

public sealed class DerSignatureTests
{
    [Fact]
    public void Android_test_vector_transcodes_to_64_bytes()
    {
        // docs/protocol/device.md §3.2, from the Android SDK's JwtSigner test.
        Assert.True(Base64Url.TryDecode("MEQCIFtun9Ioo-W-juCG7sOl8PPPuozb8cspsUtpu2TxnzP_AiAi1VpFNTr2eK-VX3b1DLHy8rPm3MOpTvUH14hyNr0Gfg", out var der));

        var raw = DerSignature.ToRaw(der);

        Assert.Equal("W26f0iij5b6O4Ibuw6Xw88-6jNvxyymxS2m7ZPGfM_8i1VpFNTr2eK-VX3b1DLHy8rPm3MOpTvUH14hyNr0Gfg", Base64Url.Encode(raw));
    }

    [Fact]
    public void Short_components_are_left_padded_and_still_verify()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var data = "payload"u8.ToArray();
        for (var i = 0; i < 200; i++)
        {
            var der = key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            var raw = DerSignature.ToRaw(der);
            Assert.Equal(64, raw.Length);
            Assert.True(key.VerifyData(data, raw, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("3000")]
    [InlineData("300602010102")]
    public void Malformed_der_is_a_format_error(string hex) =>
        Assert.Throws<FormatException>(() => DerSignature.ToRaw(Convert.FromHexString(hex)));
}
