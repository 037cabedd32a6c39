namespace OpenVerify.Client;

/// <summary>Why an <see cref="ErrorCategory.Input"/> error was raised (the SDKs' input causes, docs/protocol/device.md §8.3).</summary>
public enum InputErrorReason
{
    /// <summary>Not an input error, or no finer reason.</summary>
    None = 0,

    /// <summary>A required argument is empty or malformed.</summary>
    InvalidInput,

    /// <summary>The challenge SID is empty.</summary>
    EmptyChallengeSid,

    /// <summary>The factor SID is empty.</summary>
    EmptyFactorSid,

    /// <summary>The challenge belongs to another factor.</summary>
    WrongFactor,

    /// <summary>The challenge has expired.</summary>
    ExpiredChallenge,

    /// <summary>The challenge was already approved or denied.</summary>
    AlreadyUpdatedChallenge,

    /// <summary>After the update, the server still does not show the requested status.</summary>
    NotUpdatedChallenge,

    /// <summary>The challenge came without a usable <c>Twilio-Verify-Signature-Fields</c> header or body.</summary>
    SignatureFields,

    /// <summary>Silent approval: the challenge is not the one the app expected.</summary>
    UnexpectedChallenge,

    /// <summary>Silent approval: more than one pending challenge matches the expected transaction.</summary>
    AmbiguousChallenge,

    /// <summary>Number matching: the challenge offers numbers and the approval names none (or one not offered).</summary>
    NumberRequired,

    /// <summary>Number matching: the server denied the challenge because the number did not match.</summary>
    WrongNumber,

    /// <summary>Deny-and-report asked with a status other than denied.</summary>
    ReportNeedsDenial,
}
