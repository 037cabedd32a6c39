namespace OpenVerify.Server.Accounts;

/// <summary>Accounts and their API keys.</summary>
public interface IAccountStore
{
    /// <summary>The account, or null.</summary>
    Task<Account?> FindAsync(string sid, CancellationToken cancellationToken);

    /// <summary>Adds an account; false when the SID exists.</summary>
    Task<bool> TryAddAsync(Account account, CancellationToken cancellationToken);

    /// <summary>Sets an existing account's auth token (bootstrap from the environment).</summary>
    Task SetAuthTokenAsync(string sid, string authToken, CancellationToken cancellationToken);

    /// <summary>How many accounts exist.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>The API key, or null.</summary>
    Task<ApiKey?> FindKeyAsync(string sid, CancellationToken cancellationToken);

    /// <summary>Adds an API key.</summary>
    Task AddKeyAsync(ApiKey key, CancellationToken cancellationToken);
}
