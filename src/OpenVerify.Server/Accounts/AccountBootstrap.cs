using System.Security.Cryptography;
using OpenVerify.Protocol.Sids;

namespace OpenVerify.Server.Accounts;

/// <summary>Creates accounts and API keys (CLI and first start).</summary>
public sealed class AccountBootstrap(IAccountStore accounts, TimeProvider clock)
{
    /// <summary>Creates a new account with a random auth token.</summary>
    public async Task<Account> CreateAsync(string friendlyName, CancellationToken cancellationToken)
    {
        var account = new Account { Sid = Sid.New(SidPrefix.Account), AuthToken = NewSecret(), FriendlyName = friendlyName, DateCreated = clock.GetUtcNow().ToUnixTimeSeconds() };
        await accounts.TryAddAsync(account, cancellationToken);
        return account;
    }

    /// <summary>
    /// Makes sure the account given by the environment exists with that auth token; returns true when
    /// it was created. An existing account's token is replaced, so rotating the variable rotates the token.
    /// </summary>
    public async Task<bool> EnsureAsync(string sid, string authToken, CancellationToken cancellationToken)
    {
        if (!Sid.IsValid(sid, SidPrefix.Account) || authToken.Length < 16)
        {
            throw new ArgumentException("OPENVERIFY_ACCOUNT_SID must be AC followed by 32 hex digits and OPENVERIFY_AUTH_TOKEN at least 16 characters");
        }

        var account = new Account { Sid = sid, AuthToken = authToken, FriendlyName = "bootstrap", DateCreated = clock.GetUtcNow().ToUnixTimeSeconds() };
        if (await accounts.TryAddAsync(account, cancellationToken))
        {
            return true;
        }

        await accounts.SetAuthTokenAsync(sid, authToken, cancellationToken);
        return false;
    }

    /// <summary>Creates an API key for an account; the secret is returned once and only its hash kept.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateKeyAsync(string accountSid, string friendlyName, CancellationToken cancellationToken)
    {
        _ = await accounts.FindAsync(accountSid, cancellationToken) ?? throw new ArgumentException($"No account {accountSid}");
        var secret = NewSecret();
        var key = new ApiKey
        {
            Sid = Sid.New(SidPrefix.ApiKey),
            AccountSid = accountSid,
            SecretHash = Auth.Authenticator.HashSecret(secret),
            FriendlyName = friendlyName,
            DateCreated = clock.GetUtcNow().ToUnixTimeSeconds(),
        };
        await accounts.AddKeyAsync(key, cancellationToken);
        return (key, secret);
    }

    /// <summary>32 hex characters of randomness, the shape of a Twilio auth token.</summary>
    private static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
}
