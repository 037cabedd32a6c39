namespace OpenVerify.TestKit.Devices;

/// <summary>The SDK error categories (docs/protocol/device.md §8.3).</summary>
public enum DeviceErrorKind
{
    /// <summary>60401: the API answered ≥ 300, or the transport failed.</summary>
    Network,
    /// <summary>60402: a 2xx body the SDK cannot map.</summary>
    Mapper,
    /// <summary>60404: a precondition of the call failed (see <see cref="DeviceException.Reason"/>).</summary>
    Input,
}

/// <summary>Why an Input error was raised, named as in the SDKs.</summary>
public enum DeviceInputReason
{
    /// <summary>Not an input error.</summary>
    None,
    /// <summary>The challenge belongs to another factor.</summary>
    WrongFactor,
    /// <summary>The challenge is expired.</summary>
    ExpiredChallenge,
    /// <summary>The challenge was already approved or denied.</summary>
    AlreadyUpdatedChallenge,
    /// <summary>Signature-fields header missing or empty, or a listed field is missing from the body.</summary>
    SignatureFields,
    /// <summary>The GET after the update did not show the requested status.</summary>
    NotUpdatedChallenge,
}

/// <summary>A failed SDK call, with the last HTTP response when there was one.</summary>
public sealed class DeviceException(DeviceErrorKind kind, string message, DeviceResponse? response = null, DeviceInputReason reason = DeviceInputReason.None)
    : Exception($"{kind}{(reason == DeviceInputReason.None ? "" : "/" + reason)}: {message}{(response is null ? "" : " (" + response + ")")}")
{
    /// <summary>The SDK category.</summary>
    public DeviceErrorKind Kind { get; } = kind;

    /// <summary>For input errors, which one.</summary>
    public DeviceInputReason Reason { get; } = reason;

    /// <summary>The last response, if any.</summary>
    public DeviceResponse? Response { get; } = response;

    /// <summary>HTTP status of the last response.</summary>
    public int? StatusCode => Response?.StatusCode;

    /// <summary>Twilio error code of the last response.</summary>
    public int? ErrorCode => Response?.ErrorCode;
}
