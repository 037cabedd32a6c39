using Microsoft.Extensions.Logging;

namespace OpenVerify.Client;

/// <summary>
/// The device SDK: TwilioVerify's operations (docs/protocol/device.md §8) as async .NET methods, with the
/// Android SDK's wire behaviour. Build one with <see cref="Builder"/>; it is safe to share.
/// </summary>
/// <remarks>Every failure is a <see cref="VerifyClientException"/>; cancellation is an <see cref="OperationCanceledException"/>.</remarks>
public sealed partial class VerifyClient : IDisposable
{
    private readonly PushFactors pushFactors;
    private readonly PushChallenges pushChallenges;
    private readonly ChallengeWatch challengeWatch;
    private readonly LocalFactors factors;
    private readonly ILogger logger;
    private readonly HttpClient? ownedHttp;

    internal VerifyClient(ApiTransport transport, IKeyStore keyStore, IFactorStore factorStore, DeviceInfo device, ILogger logger, Uri baseUrl, HttpClient? ownedHttp)
    {
        var keys = new LocalKeys(keyStore, logger);
        factors = new LocalFactors(factorStore);
        pushFactors = new PushFactors(transport, keys, factors, device);
        pushChallenges = new PushChallenges(transport, keys, factors);
        challengeWatch = new ChallengeWatch(transport, factors, pushChallenges);
        this.logger = logger;
        this.ownedHttp = ownedHttp;
        BaseUrl = baseUrl;
    }

    /// <summary>Starts building a client.</summary>
    public static VerifyClientBuilder Builder() => new();

    /// <summary>The API base URL, ending in <c>/</c> (default <c>https://verify.twilio.com/v2/</c>).</summary>
    public Uri BaseUrl { get; }

    /// <summary>
    /// Enrols a push factor: creates a key pair, sends its public key with the access token (R1), and
    /// stores the factor locally. Call <see cref="VerifyFactorAsync"/> next.
    /// </summary>
    /// <exception cref="VerifyClientException">Input, key storage, network, mapper or storage error.</exception>
    public async Task<Factor> CreateFactorAsync(PushFactorPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var factor = await pushFactors.CreateAsync(payload, cancellationToken).ConfigureAwait(false);
        LogFactorCreated(logger, factor.Sid);
        return factor;
    }

    /// <summary>
    /// Verifies a local factor: signs its SID with its key (DER, base64) and posts it as
    /// <c>AuthPayload</c> (R2); stores and returns the factor with the status the server answered.
    /// </summary>
    /// <remarks>Note: like the Android SDK, a 2xx answer with <c>unverified</c> is not an error; check <see cref="Factor.Status"/>.</remarks>
    public Task<Factor> VerifyFactorAsync(VerifyPushFactorPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return pushFactors.VerifyAsync(payload.Sid, cancellationToken);
    }

    /// <summary>
    /// Sends a new push token for a local factor (R3), e.g. after FCM's <c>onNewToken</c>. A null or
    /// blank token switches the factor to platform <c>none</c>.
    /// </summary>
    /// <returns>The factor as the server describes it, with this device's service, identity and key alias.</returns>
    public Task<Factor> UpdateFactorAsync(UpdatePushFactorPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return pushFactors.UpdateAsync(payload.Sid, payload.PushToken, cancellationToken);
    }

    /// <summary>All factors stored on this device (no API call).</summary>
    public Task<IReadOnlyList<Factor>> GetAllFactorsAsync(CancellationToken cancellationToken = default) =>
        factors.AllAsync(cancellationToken);

    /// <summary>
    /// Deletes a factor on the server (R4), then its local record and key. A 404 (already gone) counts
    /// as done, and so does a 401 on the clock-sync retry.
    /// </summary>
    public Task DeleteFactorAsync(string factorSid, CancellationToken cancellationToken = default) =>
        pushFactors.DeleteAsync(factorSid, cancellationToken);

    /// <summary>Fetches a challenge of a local factor (R5).</summary>
    /// <exception cref="VerifyClientException">Input error <see cref="InputErrorReason.WrongFactor"/> when it belongs to another factor.</exception>
    public Task<Challenge> GetChallengeAsync(string challengeSid, string factorSid, CancellationToken cancellationToken = default) =>
        pushChallenges.GetAsync(challengeSid, factorSid, cancellationToken);

    /// <summary>
    /// Watches a local factor's challenges until cancelled: each one pending now or later, and each
    /// answer or expiry. On an OpenVerify server this holds its live event stream open (no FCM or
    /// APNs needed; reconnecting with a fresh JWT and the last event id, so nothing is lost or
    /// repeated); on a server without it (Twilio) it polls the pending list every <paramref name="pollInterval"/>
    /// (default 2 s) and reports a challenge that left it as updated.
    /// </summary>
    /// <exception cref="VerifyClientException">The server refused the device (e.g. the factor was deleted).</exception>
    public IAsyncEnumerable<ChallengeEvent> WatchChallengesAsync(string factorSid, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default) =>
        challengeWatch.WatchAsync(factorSid, pollInterval ?? TimeSpan.FromSeconds(2), cancellationToken);

    /// <summary>
    /// Lists a local factor's challenges, one page at a time (R6). Pass the returned
    /// <see cref="ChallengeListMetadata.NextPageToken"/> back in <see cref="ChallengeListPayload.PageToken"/> for the next page.
    /// </summary>
    public Task<ChallengeList> GetAllChallengesAsync(ChallengeListPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return pushChallenges.ListAsync(payload, cancellationToken);
    }

    /// <summary>
    /// Approves or denies a challenge (docs/protocol/device.md §4): fetches it (must be pending, of this factor, with a
    /// signature-fields header), posts the signed <c>AuthPayload</c>, fetches it again and requires
    /// the new status.
    /// </summary>
    /// <returns>The challenge as fetched after the update.</returns>
    public Task<Challenge> UpdateChallengeAsync(UpdatePushChallengePayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return pushChallenges.UpdateAsync(payload, cancellationToken);
    }

    /// <summary>
    /// Silent device approval: approves, without UI, only the challenge the app expects because the
    /// action started on this device. <paramref name="incomingChallengeSid"/> is the SID a push
    /// carried, if any; without it a transaction is looked up among the factor's pending challenges.
    /// </summary>
    /// <exception cref="VerifyClientException">
    /// Input error when the challenge is not the expected one (<see cref="InputErrorReason.UnexpectedChallenge"/>),
    /// belongs to another factor, is not pending, or several pending challenges match the transaction.
    /// </exception>
    public async Task<Challenge> ApproveSilentlyAsync(SilentApproval expected, string? incomingChallengeSid = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var approved = await pushChallenges.ApproveSilentlyAsync(expected, incomingChallengeSid, cancellationToken).ConfigureAwait(false);
        LogSilentlyApproved(logger, approved.Sid);
        return approved;
    }

    /// <summary>
    /// Deletes every local factor and its key. The server is not called, so it keeps the factors;
    /// the clock correction is kept too (as in the SDKs).
    /// </summary>
    public Task ClearLocalStorageAsync(CancellationToken cancellationToken = default) =>
        pushFactors.ClearLocalAsync(cancellationToken);

    /// <summary>Disposes the HttpClient the client created itself (never one that was given to it).</summary>
    public void Dispose() => ownedHttp?.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Factor {FactorSid} created")]
    private static partial void LogFactorCreated(ILogger logger, string factorSid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Challenge {ChallengeSid} approved silently")]
    private static partial void LogSilentlyApproved(ILogger logger, string challengeSid);
}
