namespace OpenVerify.Client;

/// <summary>A challenge's status.</summary>
public enum ChallengeStatus
{
    /// <summary>Waiting for the device.</summary>
    Pending,

    /// <summary>Approved by the device.</summary>
    Approved,

    /// <summary>Denied by the device.</summary>
    Denied,

    /// <summary>Not answered before its expiration date.</summary>
    Expired,
}
