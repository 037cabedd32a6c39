namespace OpenVerify.Client.Tests;

public sealed class ApiFailureTests
{
    [Fact]
    public void Twilio_error_body_is_read()
    {
        var failure = ApiFailure.Read(403, Fixtures.Error(60322, 403, "already responded"), null);

        Assert.Equal(new ApiFailure(403, 60322, "already responded", "https://www.twilio.com/docs/errors/60322", null), failure);
    }

    [Fact]
    public void A_numeric_string_code_is_accepted_like_android_getString()
    {
        Assert.Equal(60323, ApiFailure.Read(403, """{"code":"60323","message":"expired"}""", null).Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html>bad gateway</html>")]
    [InlineData("[1,2]")]
    [InlineData("""{"code":"x"}""")]
    public void A_missing_or_malformed_body_only_loses_the_code(string body)
    {
        var failure = ApiFailure.Read(502, body, "Thu, 01 Jan 2026 12:00:30 GMT");

        Assert.Equal(502, failure.StatusCode);
        Assert.Null(failure.Code);
        Assert.Equal("Thu, 01 Jan 2026 12:00:30 GMT", failure.DateHeader);
    }
}
