using OpenVerify.Server.Delivery;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Factors;

/// <summary>Outcome of adding a factor.</summary>
public enum FactorAddResult
{
    /// <summary>Stored.</summary>
    Added,
    /// <summary>The entity already has the maximum number of push factors.</summary>
    TooManyFactors,
    /// <summary>The enrolment access token was used or expired meanwhile.</summary>
    AccessTokenSpent,
}

/// <summary>
/// What an UpdateFactor asks for; a null field is left as it is in the database, so concurrent
/// updates of different fields (a rename and a push-token refresh) both hold.
/// </summary>
/// <param name="FriendlyName">New name.</param>
/// <param name="SdkVersion">New SDK version.</param>
/// <param name="AppId">New app id.</param>
/// <param name="Push">New platform and token, set together (platform <c>none</c> has a null token).</param>
/// <param name="Verify">Mark the factor verified (the device proved its key).</param>
public sealed record FactorChange(string? FriendlyName, string? SdkVersion, string? AppId, (string Platform, string? Token)? Push, bool Verify)
{
    /// <summary>True when nothing is asked.</summary>
    public bool IsEmpty => FriendlyName is null && SdkVersion is null && AppId is null && Push is null && !Verify;
}

/// <summary>Outcome of <see cref="IFactorStore.TryUpdateAsync"/>.</summary>
/// <param name="Factor">The factor as stored afterwards; null when it does not exist (deleted meanwhile).</param>
/// <param name="Verified">True when this update verified it (at most one update ever does).</param>
public sealed record FactorUpdate(Factor? Factor, bool Verified);

/// <summary>Persistence of factors. Every state change is one conditional unit of work that says whether it happened.</summary>
public interface IFactorStore
{
    /// <summary>
    /// In one unit of work: creates the entity if it is new, enforces the per-entity limit (serialised
    /// per entity, so concurrent creations cannot overshoot), spends the enrolment access token when
    /// one is given, inserts the factor (whose <c>EntitySid</c> is filled in) and the outbox messages
    /// <paramref name="consequences"/> makes of it. Nothing is written unless the result is Added.
    /// </summary>
    Task<FactorAddResult> AddAsync(Factor factor, int maxFactorsPerEntity, string? accessTokenSid, long now, Func<Factor, IEnumerable<OutboxMessage>> consequences, CancellationToken cancellationToken);

    /// <summary>The factor under this service and identity, or null.</summary>
    Task<Factor?> FindAsync(string serviceSid, string identity, string sid, CancellationToken cancellationToken);

    /// <summary>The factor whose device-JWT key id is <paramref name="credentialSid"/>, or null.</summary>
    Task<Factor?> FindByCredentialAsync(string credentialSid, CancellationToken cancellationToken);

    /// <summary>A page of the entity's factors.</summary>
    Task<IReadOnlyList<Factor>> ListAsync(string serviceSid, string identity, PageQuery page, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> to the factor if it still exists: only the fields it names,
    /// <c>date_updated</c> only when a value really changed, and <c>verified</c> only from
    /// <c>unverified</c>; the events <paramref name="whenVerified"/> makes are written only when this
    /// update is the one that verified it.
    /// </summary>
    Task<FactorUpdate> TryUpdateAsync(string serviceSid, string identity, string sid, FactorChange change, long now, Func<Factor, IEnumerable<OutboxMessage>> whenVerified, CancellationToken cancellationToken);

    /// <summary>Deletes the factor with the events <paramref name="consequences"/> makes of it; null when it did not exist.</summary>
    Task<Factor?> TryDeleteAsync(string serviceSid, string identity, string sid, Func<Factor, IEnumerable<OutboxMessage>> consequences, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes up to <paramref name="max"/> unverified factors created before <paramref name="createdBefore"/>
    /// (oldest first, skipping any another instance is changing); returns them.
    /// </summary>
    Task<IReadOnlyList<Factor>> DeleteUnverifiedAsync(long createdBefore, int max, Func<Factor, IEnumerable<OutboxMessage>> consequences, CancellationToken cancellationToken);
}
