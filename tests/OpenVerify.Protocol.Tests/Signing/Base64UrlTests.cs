using OpenVerify.Protocol.Signing;

namespace OpenVerify.Protocol.Tests.Signing;

public sealed class Base64UrlTests
{
    [Fact]
    public void Every_length_round_trips_without_padding_or_the_standard_alphabet()
    {
        var random = new Random(18);
        for (var length = 0; length <= 70; length++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            // 0xFB 0xFF gives '+' and '/' in standard base64.
            if (length >= 2)
            {
                bytes[0] = 0xFB;
                bytes[1] = 0xFF;
            }

            var text = Base64Url.Encode(bytes);
            Assert.DoesNotContain('=', text);
            Assert.DoesNotContain('+', text);
            Assert.DoesNotContain('/', text);
            Assert.True(Base64Url.TryDecode(text, out var decoded));
            Assert.Equal(bytes, decoded);
        }
    }

    [Theory]
    [InlineData("-_8", new byte[] { 0xFB, 0xFF })]
    [InlineData("AA", new byte[] { 0 })]
    [InlineData("AA==", new byte[] { 0 })]
    [InlineData("AAA", new byte[] { 0, 0 })]
    [InlineData("", new byte[0])]
    public void Decoding_takes_the_url_alphabet_with_optional_padding(string text, byte[] expected)
    {
        Assert.True(Base64Url.TryDecode(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("AAAAA")]
    [InlineData("+_8")]
    [InlineData("-/8")]
    [InlineData("AA*A")]
    [InlineData("AA A")]
    [InlineData("=AAA")]
    [InlineData("A=AA")]
    [InlineData("AAé")]
    public void Anything_outside_the_url_alphabet_is_refused(string text) => Assert.False(Base64Url.TryDecode(text, out _));
}
