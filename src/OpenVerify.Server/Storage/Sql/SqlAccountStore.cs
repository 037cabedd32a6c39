using Dapper;
using OpenVerify.Server.Accounts;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlAccountStore(IDatabase db, TimeProvider clock) : IAccountStore
{
    // Note: a backend sends the auth token with every request and every approval response is signed
    // with it, three lookups per verification flow (docs/benchmarks.md); see RecentRows for the bound.
    private readonly RecentRows<Account> recent = new(TimeSpan.FromSeconds(1), clock);

    public async Task<Account?> FindAsync(string sid, CancellationToken cancellationToken)
    {
        if (recent.TryGet(sid, out var kept))
        {
            return Copy(kept);
        }

        var version = recent.Version;
        await using var c = await db.OpenReadAsync(cancellationToken);
        var account = await c.QuerySingleOrDefaultAsync<Account>(new CommandDefinition(
            "SELECT sid, auth_token AS AuthToken, friendly_name AS FriendlyName, date_created AS DateCreated FROM accounts WHERE sid = @sid", new { sid }, cancellationToken: cancellationToken));
        // Only accounts that exist are kept, so unknown SIDs cannot grow it.
        if (account is not null)
        {
            recent.Keep(sid, Copy(account), version);
        }

        return account;
    }

    private static Account Copy(Account a) => new() { Sid = a.Sid, AuthToken = a.AuthToken, FriendlyName = a.FriendlyName, DateCreated = a.DateCreated };

    public Task<bool> TryAddAsync(Account account, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            var rows = await w.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO accounts (sid, auth_token, friendly_name, date_created) VALUES (@Sid, @AuthToken, @FriendlyName, @DateCreated) ON CONFLICT (sid) DO NOTHING",
                account, w.Transaction, cancellationToken: w.CancellationToken));
            return rows == 1;
        }, cancellationToken);

    public Task SetAuthTokenAsync(string sid, string authToken, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            await w.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE accounts SET auth_token = @authToken WHERE sid = @sid", new { sid, authToken }, w.Transaction, cancellationToken: w.CancellationToken));
            w.OnCommitted(() => recent.Forget(sid));
        }, cancellationToken);

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM accounts", cancellationToken: cancellationToken));
    }

    public async Task<ApiKey?> FindKeyAsync(string sid, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await c.QuerySingleOrDefaultAsync<ApiKey>(new CommandDefinition(
            "SELECT sid, account_sid AS AccountSid, secret_hash AS SecretHash, friendly_name AS FriendlyName, date_created AS DateCreated FROM api_keys WHERE sid = @sid", new { sid }, cancellationToken: cancellationToken));
    }

    public Task AddKeyAsync(ApiKey key, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            await w.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO api_keys (sid, account_sid, secret_hash, friendly_name, date_created) VALUES (@Sid, @AccountSid, @SecretHash, @FriendlyName, @DateCreated)",
                key, w.Transaction, cancellationToken: w.CancellationToken));
        }, cancellationToken);
}
