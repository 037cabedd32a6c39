namespace OpenVerify.Client;

/// <summary>
/// The one exception type of the client, like the SDKs' <c>TwilioVerifyException</c>: a category
/// (<see cref="Code"/> 60401–60407) and, when the server answered with an error, its Twilio code.
/// </summary>
public sealed class VerifyClientException : Exception
{
    /// <summary>Creates an error of a category.</summary>
    public VerifyClientException(ErrorCategory category, string message, Exception? innerException = null)
        : base(Format(category, message), innerException)
    {
        Category = category;
        Detail = message;
    }

    internal VerifyClientException(InputErrorReason reason, string message)
        : this(ErrorCategory.Input, message)
    {
        InputReason = reason;
    }

    internal VerifyClientException(ApiFailure failure, Exception? innerException = null)
        : this(ErrorCategory.Network, failure.Describe(), innerException)
    {
        HttpStatus = failure.StatusCode;
        ApiCode = failure.Code;
        ApiMessage = failure.Message;
        MoreInfo = failure.MoreInfo;
    }

    /// <summary>The SDK category.</summary>
    public ErrorCategory Category { get; }

    /// <summary>The SDK error code: 60401 network … 60407 authentication token.</summary>
    public int Code => (int)Category;

    /// <summary>The message without the <c>{code}</c> prefix.</summary>
    public string Detail { get; }

    /// <summary>For input errors, the finer reason.</summary>
    public InputErrorReason InputReason { get; }

    /// <summary>The HTTP status of the failed answer, when the server answered.</summary>
    public int? HttpStatus { get; }

    /// <summary>The Twilio error code from the server's error body (e.g. 60322), when there was one.</summary>
    public int? ApiCode { get; }

    /// <summary>The server's error message, when there was one.</summary>
    public string? ApiMessage { get; }

    /// <summary>The server's <c>more_info</c> link, when there was one.</summary>
    public string? MoreInfo { get; }

    // Note: the Android SDK's messages literally start with the code in braces, e.g. "{60401} Exception while calling the API".
    private static string Format(ErrorCategory category, string message) => $"{{{(int)category}}} {message}";

    internal static VerifyClientException Mapper(string message, Exception? inner = null) => new(ErrorCategory.Mapper, message, inner);

    internal static VerifyClientException Storage(string message, Exception? inner = null) => new(ErrorCategory.Storage, message, inner);

    internal static VerifyClientException KeyStorage(string message, Exception? inner = null) => new(ErrorCategory.KeyStorage, message, inner);

    internal static VerifyClientException Input(InputErrorReason reason, string message) => new(reason, message);

    internal static VerifyClientException Network(string message, Exception? inner = null) => new(ErrorCategory.Network, message, inner);
}
