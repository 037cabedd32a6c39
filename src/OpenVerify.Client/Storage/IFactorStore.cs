namespace OpenVerify.Client;

/// <summary>
/// Local storage of this device's factors and of the client's clock correction. Implementations
/// must be safe under concurrent calls; the client never assumes more than that.
/// </summary>
public interface IFactorStore
{
    /// <summary>All stored factors.</summary>
    Task<IReadOnlyList<Factor>> GetAllAsync(CancellationToken cancellationToken = default);

    /// <summary>The factor with this SID, or null.</summary>
    Task<Factor?> GetAsync(string sid, CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces a factor (by SID).</summary>
    Task SaveAsync(Factor factor, CancellationToken cancellationToken = default);

    /// <summary>Removes a factor; does nothing when there is none.</summary>
    Task DeleteAsync(string sid, CancellationToken cancellationToken = default);

    /// <summary>
    /// The persisted difference between the server's clock and this device's, in whole seconds
    /// (zero until the first clock sync).
    /// </summary>
    Task<long> GetTimeCorrectionAsync(CancellationToken cancellationToken = default);

    /// <summary>Persists the clock correction used for every later device JWT.</summary>
    Task SaveTimeCorrectionAsync(long seconds, CancellationToken cancellationToken = default);
}
