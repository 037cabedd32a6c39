namespace OpenVerify.Client;

/// <summary>
/// The device's notion of "now" for JWTs: local time plus the persisted correction learned from
/// the server's <c>Date</c> header (docs/protocol/device.md §2, time correction).
/// </summary>
internal sealed class DeviceClock(TimeProvider time, IFactorStore store)
{
    /// <summary>Corrected Unix seconds.</summary>
    public async Task<long> NowAsync(CancellationToken cancellationToken)
    {
        long correction;
        try
        {
            correction = await store.GetTimeCorrectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw VerifyClientException.Storage("Reading the time correction failed: " + e.Message, e);
        }

        return time.GetUtcNow().ToUnixTimeSeconds() + correction;
    }

    /// <summary>Learns <c>correction = server − local</c> and persists it.</summary>
    public async Task SyncAsync(DateTimeOffset serverDate, CancellationToken cancellationToken)
    {
        var correction = serverDate.ToUnixTimeSeconds() - time.GetUtcNow().ToUnixTimeSeconds();
        try
        {
            await store.SaveTimeCorrectionAsync(correction, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw VerifyClientException.Storage("Saving the time correction failed: " + e.Message, e);
        }
    }
}
