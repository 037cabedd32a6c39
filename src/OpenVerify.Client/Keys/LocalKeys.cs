using Microsoft.Extensions.Logging;

namespace OpenVerify.Client;

/// <summary>The <see cref="IKeyStore"/> as the client uses it: failures become key-storage errors (60405).</summary>
internal sealed partial class LocalKeys(IKeyStore store, ILogger logger)
{
    public IKeyStore Store => store;

    /// <summary>Creates a key pair under a fresh 15-character alias; returns the alias and the SPKI DER public key.</summary>
    public async Task<(string Alias, byte[] PublicKey)> CreateAsync(CancellationToken cancellationToken)
    {
        var alias = KeyAlias.New();
        var publicKey = await Guard(() => store.CreateAsync(alias, cancellationToken), "Creating the key pair failed").ConfigureAwait(false);
        return (alias, publicKey);
    }

    /// <summary>A DER ECDSA signature over <paramref name="data"/>.</summary>
    public Task<byte[]> SignDerAsync(string alias, byte[] data, CancellationToken cancellationToken) =>
        Guard(() => store.SignAsync(alias, data, cancellationToken), "Signing failed");

    public Task<bool> ContainsAsync(string alias, CancellationToken cancellationToken) =>
        Guard(() => store.ContainsAsync(alias, cancellationToken), "Reading the key store failed");

    public Task DeleteAsync(string alias, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            await store.DeleteAsync(alias, cancellationToken).ConfigureAwait(false);
            return true;
        }, "Deleting the key failed");

    /// <summary>Deletes a key that must not linger (its factor was never stored); failures are only logged.</summary>
    public async Task DeleteQuietlyAsync(string alias)
    {
        try
        {
            await store.DeleteAsync(alias, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogCleanupFailed(logger, e);
        }
    }

    private static async Task<T> Guard<T>(Func<Task<T>> action, string what)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (KeyNotFoundException e)
        {
            throw VerifyClientException.KeyStorage("Key pair not set", e);
        }
        catch (Exception e) when (e is not OperationCanceledException and not VerifyClientException)
        {
            throw VerifyClientException.KeyStorage(what + ": " + e.Message, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting the key of a factor that was not stored failed")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception);
}
