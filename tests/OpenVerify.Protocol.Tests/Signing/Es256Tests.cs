using System.Security.Cryptography;
using System.Text;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.Protocol.Tests.Signing;

/// <summary>ES256 in both encodings the protocol uses: JOSE raw r‖s (JWTs) and ASN.1 DER (the factor proof).</summary>
public sealed class Es256Tests : IDisposable
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("YF0123456789abcdef0123456789abcdef");
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        key.Dispose();
        other.Dispose();
    }

    [Fact]
    public void A_raw_signature_is_64_bytes_and_verifies_with_its_key_only()
    {
        var signature = Es256.SignRaw(key, Data);

        Assert.Equal(64, signature.Length);
        Assert.True(Es256.VerifyRaw(key, Data, signature));
        Assert.False(Es256.VerifyRaw(other, Data, signature));
        Assert.False(Es256.VerifyRaw(key, [.. Data, 0], signature));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(62)]
    [InlineData(65)]
    [InlineData(72)]
    public void A_raw_signature_of_another_length_is_refused(int length)
    {
        var signature = Es256.SignRaw(key, Data);
        var resized = new byte[length];
        signature.AsSpan(0, Math.Min(length, 64)).CopyTo(resized);
        Assert.False(Es256.VerifyRaw(key, Data, resized));
    }

    [Fact]
    public void A_der_signature_is_not_accepted_as_raw_and_a_raw_one_not_as_der()
    {
        Assert.False(Es256.VerifyRaw(key, Data, Es256.SignDer(key, Data)));
        Assert.False(Es256.VerifyDer(key, Data, Es256.SignRaw(key, Data)));
    }

    /// <summary>
    /// The iOS SDK's transcoding drops a leading zero byte of r or s, leaving 63 bytes: the zero is
    /// restored in front of r (index 0) or in front of s (index 32).
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    public void A_63_byte_signature_with_the_zero_of_r_or_s_dropped_verifies(int zeroAt)
    {
        var signature = SignatureWithZeroAt(zeroAt);
        byte[] dropped = [.. signature[..zeroAt], .. signature[(zeroAt + 1)..]];

        Assert.Equal(63, dropped.Length);
        Assert.True(Es256.VerifyRaw(key, Data, dropped));
        Assert.False(Es256.VerifyRaw(other, Data, dropped));
    }

    [Fact]
    public void A_63_byte_signature_that_lost_any_other_byte_is_refused()
    {
        var signature = Es256.SignRaw(key, Data);
        // Byte 10 is inside r and not a leading zero, so neither restoration can give the signature back.
        byte[] dropped = [.. signature[..10], .. signature[11..]];
        Assert.False(Es256.VerifyRaw(key, Data, dropped));
    }

    [Fact]
    public void A_der_signature_verifies_with_its_key_only()
    {
        var signature = Es256.SignDer(key, Data);

        Assert.Equal(0x30, signature[0]);
        Assert.True(Es256.VerifyDer(key, Data, signature));
        Assert.False(Es256.VerifyDer(other, Data, signature));
        Assert.False(Es256.VerifyDer(key, [.. Data, 0], signature));
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("3000")]
    [InlineData("300602010102")]
    [InlineData("3006020101020101ff")]
    [InlineData("ffffffffffffffff")]
    public void A_malformed_der_signature_is_refused_without_an_exception(string hex) =>
        Assert.False(Es256.VerifyDer(key, Data, Convert.FromHexString(hex)));

    [Fact]
    public void A_der_signature_with_a_bit_flipped_is_refused()
    {
        var signature = Es256.SignDer(key, Data);
        signature[^1] ^= 0x01;
        Assert.False(Es256.VerifyDer(key, Data, signature));
    }

    // A signature of Data whose byte at index is zero: about one signature in 256 (ECDSA is randomised).
    private byte[] SignatureWithZeroAt(int index)
    {
        for (var attempt = 0; attempt < 100_000; attempt++)
        {
            var signature = Es256.SignRaw(key, Data);
            if (signature[index] == 0)
            {
                return signature;
            }
        }

        throw new InvalidOperationException("No signature with a zero byte at " + index);
    }
}
