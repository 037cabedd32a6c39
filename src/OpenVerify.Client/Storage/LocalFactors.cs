namespace OpenVerify.Client;

/// <summary>The <see cref="IFactorStore"/> as the client uses it: failures become storage errors (60403).</summary>
internal sealed class LocalFactors(IFactorStore store)
{
    /// <summary>The factor, or a storage error "Factor not found" (an empty SID is an input error).</summary>
    public async Task<Factor> LoadAsync(string factorSid, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(factorSid))
        {
            throw VerifyClientException.Input(InputErrorReason.EmptyFactorSid, "Empty factor SID");
        }

        return await Guard(() => store.GetAsync(factorSid, cancellationToken)).ConfigureAwait(false)
            ?? throw VerifyClientException.Storage("Factor not found");
    }

    public Task<IReadOnlyList<Factor>> AllAsync(CancellationToken cancellationToken) => Guard(() => store.GetAllAsync(cancellationToken));

    public Task SaveAsync(Factor factor, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            await store.SaveAsync(factor, cancellationToken).ConfigureAwait(false);
            return true;
        });

    public Task DeleteAsync(string factorSid, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            await store.DeleteAsync(factorSid, cancellationToken).ConfigureAwait(false);
            return true;
        });

    private static async Task<T> Guard<T>(Func<Task<T>> action)
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
}
