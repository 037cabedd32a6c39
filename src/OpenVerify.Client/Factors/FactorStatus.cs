namespace OpenVerify.Client;

/// <summary>A factor's status.</summary>
public enum FactorStatus
{
    /// <summary>Created; the device has not proven its key yet.</summary>
    Unverified,

    /// <summary>The server accepted the device's signature over the factor SID.</summary>
    Verified,
}
