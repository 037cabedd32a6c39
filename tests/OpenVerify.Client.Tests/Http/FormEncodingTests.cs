namespace OpenVerify.Client.Tests;

public sealed class FormEncodingTests
{
    [Theory]
    [InlineData("AZaz09", "AZaz09")]
    [InlineData("_-!.~'()*", "_-!.~'()*")]
    [InlineData("a b", "a%20b")]
    [InlineData("a+b/c=d:e", "a%2Bb%2Fc%3Dd%3Ae")]
    [InlineData("&?#%@,;$", "%26%3F%23%25%40%2C%3B%24")]
    [InlineData("{\"os\":\"Android\"}", "%7B%22os%22%3A%22Android%22%7D")]
    [InlineData("é€", "%C3%A9%E2%82%AC")]
    public void Values_are_escaped_like_android_uri_encode(string value, string expected) =>
        Assert.Equal(expected, FormEncoding.Escape(value));

    [Fact]
    public void Pairs_keep_their_order()
    {
        var body = FormEncoding.Encode([new("Binding.PublicKey", "ab+/=="), new("Binding.Alg", "ES256")]);

        Assert.Equal("Binding.PublicKey=ab%2B%2F%3D%3D&Binding.Alg=ES256", body);
    }
}
