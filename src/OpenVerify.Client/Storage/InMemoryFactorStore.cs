namespace OpenVerify.Client;

/// <summary>A factor store in process memory only: for tests and throw-away devices.</summary>
public sealed class InMemoryFactorStore : IFactorStore
{
    private readonly object gate = new();
    private readonly Dictionary<string, Factor> factors = new(StringComparer.Ordinal);
    private long timeCorrection;

    /// <inheritdoc />
    public Task<IReadOnlyList<Factor>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<Factor>>([.. factors.Values]);
        }
    }

    /// <inheritdoc />
    public Task<Factor?> GetAsync(string sid, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult(factors.GetValueOrDefault(sid));
        }
    }

    /// <inheritdoc />
    public Task SaveAsync(Factor factor, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            factors[factor.Sid] = factor;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string sid, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            factors.Remove(sid);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<long> GetTimeCorrectionAsync(CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult(timeCorrection);
        }
    }

    /// <inheritdoc />
    public Task SaveTimeCorrectionAsync(long seconds, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            timeCorrection = seconds;
        }

        return Task.CompletedTask;
    }
}
