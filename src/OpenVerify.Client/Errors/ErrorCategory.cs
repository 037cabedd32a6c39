namespace OpenVerify.Client;

/// <summary>
/// The SDK's error categories. The numeric value is the code the Twilio Verify SDKs report
/// (docs/protocol/device.md §8.3), so <c>(int)category</c> is what an app would log or compare.
/// </summary>
public enum ErrorCategory
{
    /// <summary>60401: the API call failed (transport error or a non-2xx answer).</summary>
    Network = 60401,

    /// <summary>60402: the server answered 2xx with a body the SDK cannot read.</summary>
    Mapper = 60402,

    /// <summary>60403: local factor storage failed, or the factor is not stored on this device.</summary>
    Storage = 60403,

    /// <summary>60404: the caller's input, or the challenge's state, does not allow the operation.</summary>
    Input = 60404,

    /// <summary>60405: the key store failed, or the factor's key is missing.</summary>
    KeyStorage = 60405,

    /// <summary>60406: the client could not be built.</summary>
    Initialization = 60406,

    /// <summary>60407: the device JWT could not be generated.</summary>
    AuthenticationToken = 60407,
}
