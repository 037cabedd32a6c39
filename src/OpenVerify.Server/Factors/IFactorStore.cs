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

/// <summary>Persistence of factors.</summary>
public interface IFactorStore
{
    /// <summary>
    /// In one transaction: creates the entity if it is new, enforces the per-entity limit (serialised
    /// per entity, so concurrent creations cannot overshoot), spends the enrolment access token when
    /// one is given, inserts the factor (whose <c>EntitySid</c> is filled in) and the outbox messages
    /// <paramref name="consequences"/> makes of it.
    /// </summary>
    Task<FactorAddResult> AddAsync(Factor factor, int maxFactorsPerEntity, string? accessTokenSid, long now, Func<Factor, IEnumerable<OutboxMessage>> consequences, CancellationToken cancellationToken);

    /// <summary>The factor under this service and identity, or null.</summary>
    Task<Factor?> FindAsync(string serviceSid, string identity, string sid, CancellationToken cancellationToken);

    /// <summary>The factor whose device-JWT key id is <paramref name="credentialSid"/>, or null.</summary>
    Task<Factor?> FindByCredentialAsync(string credentialSid, CancellationToken cancellationToken);

    /// <summary>A page of the entity's factors.</summary>
    Task<IReadOnlyList<Factor>> ListAsync(string serviceSid, string identity, PageQuery page, CancellationToken cancellationToken);

    /// <summary>Saves name, config and status (verification) in one write.</summary>
    Task UpdateAsync(Factor factor, IEnumerable<OutboxMessage> consequences, CancellationToken cancellationToken);

    /// <summary>Deletes the factor; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string serviceSid, string identity, string sid, IEnumerable<OutboxMessage> consequences, CancellationToken cancellationToken);

    /// <summary>Deletes unverified factors created before <paramref name="createdBefore"/>; returns them.</summary>
    Task<IReadOnlyList<Factor>> DeleteUnverifiedAsync(long createdBefore, Func<Factor, IEnumerable<OutboxMessage>> consequences, CancellationToken cancellationToken);
}
