namespace OpenVerify.Client.Tests;

internal static class Expect
{
    /// <summary>Asserts the call fails with a <see cref="VerifyClientException"/> of the category and returns it.</summary>
    public static async Task<VerifyClientException> ErrorAsync(ErrorCategory category, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<VerifyClientException>(call);
        Assert.Equal(category, error.Category);
        Assert.StartsWith($"{{{(int)category}}} ", error.Message, StringComparison.Ordinal);
        return error;
    }

    /// <summary>Asserts an input error with the reason.</summary>
    public static async Task<VerifyClientException> InputErrorAsync(InputErrorReason reason, Func<Task> call)
    {
        var error = await ErrorAsync(ErrorCategory.Input, call);
        Assert.Equal(reason, error.InputReason);
        Assert.Equal(60404, error.Code);
        return error;
    }

    /// <summary>Asserts the four SDK headers (docs/protocol/device.md §1.2) and nothing else but Content-Length.</summary>
    public static void SdkHeaders(RecordedRequest request, string accept)
    {
        Assert.Equal(TestDevice.UserAgent, request.Headers["User-Agent"]);
        Assert.Equal(accept, request.Headers["Accept"]);
        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
        Assert.Equal(["Accept", "Authorization", "User-Agent"], request.Headers.Keys.Order(StringComparer.Ordinal));
    }
}
