namespace OpenVerify.Server.Delivery.Push;

/// <summary>What push delivery changes on factors: it forgets tokens FCM or APNs reject for good.</summary>
public interface IPushTokenStore
{
    /// <summary>
    /// Clears the factor's notification token if it is still <paramref name="token"/> (a device that
    /// already sent a new one keeps it). Later challenges then send nothing until the device's next
    /// UpdateFactor brings a token again. False when there was nothing to clear.
    /// </summary>
    Task<bool> ClearTokenAsync(string factorSid, string token, long now, CancellationToken cancellationToken);
}
