namespace OpenVerify.Protocol.Errors;

/// <summary>
/// A Twilio-shaped API error: a Twilio error code, the HTTP status it is answered with, and a message.
/// Domain code raises it; one writer turns it into <c>{code, message, more_info, status}</c>.
/// </summary>
public sealed class VerifyError : Exception
{
    /// <summary>Creates an error.</summary>
    public VerifyError(int code, int status, string message) : base(message)
    {
        Code = code;
        Status = status;
    }

    /// <summary>The Twilio error code, e.g. 60322.</summary>
    public int Code { get; }

    /// <summary>The HTTP status code.</summary>
    public int Status { get; }

    /// <summary>
    /// For a 429: how long the caller should wait before trying again. The error writer sends it as
    /// <c>Retry-After</c> (whole seconds, rounded up) together with <c>Twilio-Reached-Rate-Limit</c>.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Twilio's documentation page for the code.</summary>
    public string MoreInfo => "https://www.twilio.com/docs/errors/" + Code;
}
