using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenVerify.Protocol.Wire;

namespace OpenVerify.Client;

/// <summary>
/// The device SDK: TwilioVerify's operations (device-protocol.md §8) as async .NET methods, with the
/// Android SDK's wire behaviour. Build one with <see cref="Builder"/>; it is safe to share.
/// </summary>
/// <remarks>Every failure is a <see cref="VerifyClientException"/>; cancellation is an <see cref="OperationCanceledException"/>.</remarks>
public sealed partial class VerifyClient : IDisposable
{
    private const int TransactionSearchPageSize = 50;
    private const int TransactionSearchMaxPages = 20;

    private readonly ApiTransport transport;
    private readonly IKeyStore keys;
    private readonly IFactorStore factors;
    private readonly DeviceInfo device;
    private readonly ILogger logger;
    private readonly HttpClient? ownedHttp;

    internal VerifyClient(ApiTransport transport, IKeyStore keys, IFactorStore factors, DeviceInfo device, ILogger logger, Uri baseUrl, HttpClient? ownedHttp)
    {
        this.transport = transport;
        this.keys = keys;
        this.factors = factors;
        this.device = device;
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
        RequireInput(payload.AccessToken, "access token");
        var path = ApiPaths.Factors(payload.ServiceSid, payload.Identity);

        var alias = KeyAlias.New();
        byte[] publicKey;
        try
        {
            publicKey = await keys.CreateAsync(alias, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw VerifyClientException.KeyStorage("Creating the key pair failed: " + e.Message, e);
        }

        try
        {
            var platform = PlatformFor(payload.PushToken);
            var form = new List<KeyValuePair<string, string>>
            {
                new("FriendlyName", payload.FriendlyName),
                new("FactorType", "push"),
                new("Binding.PublicKey", Convert.ToBase64String(publicKey)),
                new("Binding.Alg", "ES256"),
            };
            AddConfig(form, platform, payload.PushToken);
            if (payload.Metadata is { } metadata)
            {
                form.Add(new("Metadata", MetadataJson(metadata)));
            }

            var response = await transport.SendWithAccessTokenAsync(ApiRequest.Post(path, form), payload.AccessToken, cancellationToken).ConfigureAwait(false);
            var factor = FactorMapper.FromApi(response.Body, payload.ServiceSid, payload.Identity, alias, platform);
            await StoreAsync(() => factors.SaveAsync(factor, cancellationToken)).ConfigureAwait(false);
            LogFactorCreated(logger, factor.Sid);
            return factor;
        }
        catch
        {
            // Note: a factor that was not stored can never be used, so its key must not linger.
            await DeleteKeyQuietlyAsync(alias).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Verifies a local factor: signs its SID with its key (DER, base64) and posts it as
    /// <c>AuthPayload</c> (R2); stores and returns the factor with the status the server answered.
    /// </summary>
    /// <remarks>Note: like the Android SDK, a 2xx answer with <c>unverified</c> is not an error; check <see cref="Factor.Status"/>.</remarks>
    public async Task<Factor> VerifyFactorAsync(VerifyPushFactorPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var factor = await LoadFactorAsync(payload.Sid, cancellationToken).ConfigureAwait(false);
        byte[] signature;
        try
        {
            signature = await keys.SignAsync(factor.KeyAlias, System.Text.Encoding.UTF8.GetBytes(factor.Sid), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw VerifyClientException.KeyStorage(e is KeyNotFoundException ? "Key pair not set" : "Signing failed: " + e.Message, e);
        }

        var form = new List<KeyValuePair<string, string>> { new("AuthPayload", Convert.ToBase64String(signature)) };
        var response = await transport.SendAsDeviceAsync(ApiRequest.Post(ApiPaths.Factor(factor), form), factor, cancellationToken).ConfigureAwait(false);
        var verified = factor with { Status = FactorMapper.StatusFromApi(response.Body) };
        await StoreAsync(() => factors.SaveAsync(verified, cancellationToken)).ConfigureAwait(false);
        return verified;
    }

    /// <summary>
    /// Sends a new push token for a local factor (R3), e.g. after FCM's <c>onNewToken</c>. A null or
    /// blank token switches the factor to platform <c>none</c>.
    /// </summary>
    /// <returns>The factor as the server describes it, with this device's service, identity and key alias.</returns>
    public async Task<Factor> UpdateFactorAsync(UpdatePushFactorPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var factor = await LoadFactorAsync(payload.Sid, cancellationToken).ConfigureAwait(false);
        var platform = PlatformFor(payload.PushToken);
        // Note: the SDK resends the locally stored friendly name, unchanged, and never Metadata.
        var form = new List<KeyValuePair<string, string>> { new("FriendlyName", factor.FriendlyName) };
        AddConfig(form, platform, payload.PushToken);
        var response = await transport.SendAsDeviceAsync(ApiRequest.Post(ApiPaths.Factor(factor), form), factor, cancellationToken).ConfigureAwait(false);
        var updated = FactorMapper.FromApi(response.Body, factor.ServiceSid, factor.Identity, factor.KeyAlias, platform);
        // Note: Android does not persist the update answer; only the platform choice is kept locally.
        await StoreAsync(() => factors.SaveAsync(factor with { NotificationPlatform = platform }, cancellationToken)).ConfigureAwait(false);
        return updated;
    }

    /// <summary>All factors stored on this device (no API call).</summary>
    public async Task<IReadOnlyList<Factor>> GetAllFactorsAsync(CancellationToken cancellationToken = default) =>
        await StoreAsync(() => factors.GetAllAsync(cancellationToken)).ConfigureAwait(false);

    /// <summary>
    /// Deletes a factor on the server (R4), then its local record and key. A 404 (already gone) counts
    /// as done, and so does a 401 on the clock-sync retry.
    /// </summary>
    public async Task DeleteFactorAsync(string factorSid, CancellationToken cancellationToken = default)
    {
        var factor = await LoadFactorAsync(factorSid, cancellationToken).ConfigureAwait(false);
        await transport.SendAsDeviceAsync(ApiRequest.Delete(ApiPaths.Factor(factor)), factor, cancellationToken).ConfigureAwait(false);
        await StoreAsync(() => factors.DeleteAsync(factor.Sid, cancellationToken)).ConfigureAwait(false);
        await DeleteKeyAsync(factor.KeyAlias, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fetches a challenge of a local factor (R5).</summary>
    /// <exception cref="VerifyClientException">Input error <see cref="InputErrorReason.WrongFactor"/> when it belongs to another factor.</exception>
    public async Task<Challenge> GetChallengeAsync(string challengeSid, string factorSid, CancellationToken cancellationToken = default)
    {
        RequireChallengeSid(challengeSid);
        var factor = await LoadFactorAsync(factorSid, cancellationToken).ConfigureAwait(false);
        var response = await transport.SendAsDeviceAsync(ApiRequest.Get(ApiPaths.Challenge(factor, challengeSid)), factor, cancellationToken).ConfigureAwait(false);
        using var document = JsonFields.ParseObject(response.Body);
        var challenge = ChallengeMapper.FromJson(document.RootElement);
        return challenge.FactorSid == factor.Sid
            ? challenge
            : throw VerifyClientException.Input(InputErrorReason.WrongFactor, "Wrong factor for challenge");
    }

    /// <summary>
    /// Lists a local factor's challenges, one page at a time (R6). Pass the returned
    /// <see cref="ChallengeListMetadata.NextPageToken"/> back in <see cref="ChallengeListPayload.PageToken"/> for the next page.
    /// </summary>
    public async Task<ChallengeList> GetAllChallengesAsync(ChallengeListPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var factor = await LoadFactorAsync(payload.FactorSid, cancellationToken).ConfigureAwait(false);
        // Note: Android's query order is PageSize, FactorSid, Order, [Status], [PageToken].
        var query = new List<KeyValuePair<string, string>>
        {
            new("PageSize", payload.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("FactorSid", factor.Sid),
            new("Order", payload.Order == ChallengeListOrder.Desc ? "desc" : "asc"),
        };
        if (payload.Status is { } status)
        {
            query.Add(new("Status", ChallengeMapper.ToWire(status)));
        }

        if (payload.PageToken is { } token)
        {
            query.Add(new(PageToken.Parameter, token));
        }

        var response = await transport.SendAsDeviceAsync(ApiRequest.Get(ApiPaths.Challenges(factor), query), factor, cancellationToken).ConfigureAwait(false);
        return ChallengeMapper.ListFromApi(response.Body);
    }

    /// <summary>
    /// Approves or denies a challenge (§4): fetches it (must be pending, of this factor, with a
    /// signature-fields header), posts the signed <c>AuthPayload</c>, fetches it again and requires
    /// the new status.
    /// </summary>
    /// <returns>The challenge as fetched after the update.</returns>
    public async Task<Challenge> UpdateChallengeAsync(UpdatePushChallengePayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var factor = await LoadFactorAsync(payload.FactorSid, cancellationToken).ConfigureAwait(false);
        RequireChallengeSid(payload.ChallengeSid);
        return await RespondAsync(factor, payload.ChallengeSid, payload.Status, expected: null, cancellationToken).ConfigureAwait(false);
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
        var factor = await LoadFactorAsync(expected.FactorSid, cancellationToken).ConfigureAwait(false);
        if (incomingChallengeSid is not null && expected.ChallengeSid is not null && incomingChallengeSid != expected.ChallengeSid)
        {
            throw Unexpected();
        }

        var challengeSid = incomingChallengeSid ?? expected.ChallengeSid
            ?? await FindTransactionAsync(factor, expected, cancellationToken).ConfigureAwait(false);
        RequireChallengeSid(challengeSid);
        var approved = await RespondAsync(factor, challengeSid, ChallengeStatus.Approved, expected, cancellationToken).ConfigureAwait(false);
        LogSilentlyApproved(logger, approved.Sid);
        return approved;
    }

    /// <summary>
    /// Deletes every local factor and its key. The server is not called, so it keeps the factors;
    /// the clock correction is kept too (as in the SDKs).
    /// </summary>
    public async Task ClearLocalStorageAsync(CancellationToken cancellationToken = default)
    {
        foreach (var factor in await GetAllFactorsAsync(cancellationToken).ConfigureAwait(false))
        {
            await DeleteKeyAsync(factor.KeyAlias, cancellationToken).ConfigureAwait(false);
            await StoreAsync(() => factors.DeleteAsync(factor.Sid, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>Disposes the HttpClient the client created itself (never one that was given to it).</summary>
    public void Dispose() => ownedHttp?.Dispose();

    private async Task<Challenge> RespondAsync(Factor factor, string challengeSid, ChallengeStatus status, SilentApproval? expected, CancellationToken cancellationToken)
    {
        var path = ApiPaths.Challenge(factor, challengeSid);
        var fetched = await transport.SendAsDeviceAsync(ApiRequest.Get(path), factor, cancellationToken).ConfigureAwait(false);
        using var document = JsonFields.ParseObject(fetched.Body);
        var challenge = ChallengeMapper.FromJson(document.RootElement);

        if (challenge.FactorSid != factor.Sid)
        {
            throw VerifyClientException.Input(InputErrorReason.WrongFactor, "Wrong factor for challenge");
        }

        if (challenge.Status == ChallengeStatus.Expired)
        {
            throw VerifyClientException.Input(InputErrorReason.ExpiredChallenge, "Expired challenge");
        }

        if (challenge.Status != ChallengeStatus.Pending)
        {
            throw VerifyClientException.Input(InputErrorReason.AlreadyUpdatedChallenge, "Responded or expired challenge");
        }

        if (expected is not null && (challenge.Sid != challengeSid || !expected.Matches(challenge)))
        {
            throw Unexpected();
        }

        if (!await KeyExistsAsync(factor.KeyAlias, cancellationToken).ConfigureAwait(false))
        {
            throw VerifyClientException.KeyStorage("Key pair not set");
        }

        var fields = ApprovalToken.ParseFields(fetched.FirstHeader(VerifyHeaders.SignatureFields));
        if (fields.Length == 0 || !document.RootElement.EnumerateObject().Any())
        {
            throw VerifyClientException.Input(InputErrorReason.SignatureFields, "Signature fields or response not set");
        }

        var wireStatus = ChallengeMapper.ToWire(status);
        var authPayload = await ApprovalToken.SignAsync(keys, factor, fields, document.RootElement, wireStatus, cancellationToken).ConfigureAwait(false);
        await transport.SendAsDeviceAsync(ApiRequest.Post(path, [new("AuthPayload", authPayload)]), factor, cancellationToken).ConfigureAwait(false);

        var refetched = await transport.SendAsDeviceAsync(ApiRequest.Get(path), factor, cancellationToken).ConfigureAwait(false);
        using var updatedDocument = JsonFields.ParseObject(refetched.Body);
        var updated = ChallengeMapper.FromJson(updatedDocument.RootElement);
        return updated.Status == status
            ? updated
            : throw VerifyClientException.Input(InputErrorReason.NotUpdatedChallenge, "Challenge was not updated");
    }

    private async Task<string> FindTransactionAsync(Factor factor, SilentApproval expected, CancellationToken cancellationToken)
    {
        var matches = new List<Challenge>();
        string? pageToken = null;
        for (var page = 0; page < TransactionSearchMaxPages; page++)
        {
            var list = await GetAllChallengesAsync(
                new ChallengeListPayload(factor.Sid, TransactionSearchPageSize, ChallengeStatus.Pending, ChallengeListOrder.Desc, pageToken),
                cancellationToken).ConfigureAwait(false);
            matches.AddRange(list.Challenges.Where(c => c.Status == ChallengeStatus.Pending && expected.Matches(c)));
            pageToken = list.Metadata.NextPageToken;
            if (string.IsNullOrEmpty(pageToken))
            {
                break;
            }
        }

        return matches.Count switch
        {
            1 => matches[0].Sid,
            0 => throw Unexpected(),
            _ => throw VerifyClientException.Input(InputErrorReason.AmbiguousChallenge, "More than one pending challenge carries the expected transaction"),
        };
    }

    private static VerifyClientException Unexpected() =>
        VerifyClientException.Input(InputErrorReason.UnexpectedChallenge, "The challenge is not the one this device expects to approve");

    private async Task<Factor> LoadFactorAsync(string factorSid, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(factorSid))
        {
            throw VerifyClientException.Input(InputErrorReason.EmptyFactorSid, "Empty factor SID");
        }

        return await StoreAsync(() => factors.GetAsync(factorSid, cancellationToken)).ConfigureAwait(false)
            ?? throw VerifyClientException.Storage("Factor not found");
    }

    private async Task<bool> KeyExistsAsync(string alias, CancellationToken cancellationToken)
    {
        try
        {
            return await keys.ContainsAsync(alias, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw VerifyClientException.KeyStorage("Reading the key store failed: " + e.Message, e);
        }
    }

    private async Task DeleteKeyAsync(string alias, CancellationToken cancellationToken)
    {
        try
        {
            await keys.DeleteAsync(alias, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw VerifyClientException.KeyStorage("Deleting the key failed: " + e.Message, e);
        }
    }

    private async Task DeleteKeyQuietlyAsync(string alias)
    {
        try
        {
            await keys.DeleteAsync(alias, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogKeyCleanupFailed(logger, e);
        }
    }

    private static async Task StoreAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not VerifyClientException)
        {
            throw VerifyClientException.Storage("Factor storage failed: " + e.Message, e);
        }
    }

    private static async Task<T> StoreAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not VerifyClientException)
        {
            throw VerifyClientException.Storage("Factor storage failed: " + e.Message, e);
        }
    }

    private string PlatformFor(string? pushToken) =>
        string.IsNullOrWhiteSpace(pushToken) ? NotificationPlatforms.None : device.PushPlatform;

    private void AddConfig(List<KeyValuePair<string, string>> form, string platform, string? pushToken)
    {
        form.Add(new("Config.SdkVersion", device.SdkVersion));
        form.Add(new("Config.AppId", device.AppId));
        form.Add(new("Config.NotificationPlatform", platform));
        if (platform != NotificationPlatforms.None)
        {
            form.Add(new("Config.NotificationToken", pushToken!));
        }
    }

    private static string MetadataJson(IReadOnlyDictionary<string, string> metadata) =>
        System.Text.Encoding.UTF8.GetString(DeviceJwtSigner.Json(w =>
        {
            foreach (var (key, value) in metadata)
            {
                w.WriteString(key, value);
            }
        }));

    private static void RequireInput(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw VerifyClientException.Input(InputErrorReason.InvalidInput, $"Empty {what}");
        }
    }

    private static void RequireChallengeSid(string? challengeSid)
    {
        if (string.IsNullOrWhiteSpace(challengeSid))
        {
            throw VerifyClientException.Input(InputErrorReason.EmptyChallengeSid, "Empty challenge SID");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Factor {FactorSid} created")]
    private static partial void LogFactorCreated(ILogger logger, string factorSid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Challenge {ChallengeSid} approved silently")]
    private static partial void LogSilentlyApproved(ILogger logger, string challengeSid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting the key of a factor that was not created failed")]
    private static partial void LogKeyCleanupFailed(ILogger logger, Exception exception);
}
