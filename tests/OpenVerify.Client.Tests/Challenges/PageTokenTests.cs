namespace OpenVerify.Client.Tests;

public sealed class PageTokenTests
{
    [Theory]
    [InlineData("https://h/v2/x?PageSize=2&PageToken=DNabc", "DNabc")]
    [InlineData("https://h/v2/x?PageToken=DN%2Fa%20b&Page=1", "DN/a b")]
    [InlineData("https://h/v2/x?pageToken=DNabc", null)]
    [InlineData("https://h/v2/x?PageSize=2", null)]
    [InlineData("not a url", null)]
    [InlineData(null, null)]
    [InlineData("", null)]
    public void Token_is_the_case_sensitive_PageToken_parameter(string? url, string? expected) =>
        Assert.Equal(expected, PageToken.FromUrl(url));
}
