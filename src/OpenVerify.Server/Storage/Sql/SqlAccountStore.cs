using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using OpenVerify.Server.Accounts;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlAccountStore(IDatabase db) : IAccountStore
{
    /// <summary>
    /// Note: a backend sends the auth token with every request and every approval response is signed
    /// with it, three lookups per verification flow (docs/benchmarks.md). Found accounts are reused
    /// for at most this long: a token changed through this store is dropped from it at once, and any
    /// change (by another instance or the CLI on the same database, or a lookup racing the change)
    /// is seen within this time.
    /// </summary>
    private static readonly TimeSpan ReuseFor = TimeSpan.FromSeconds(1);

    // Only accounts that exist are kept, so unknown SIDs cannot grow it.
    private readonly ConcurrentDictionary<string, (Account Account, long At)> recent = new(StringComparer.Ordinal);

    public async Task<Account?> FindAsync(string sid, CancellationToken cancellationToken)
    {
        if (recent.TryGetValue(sid, out var hit) && Stopwatch.GetElapsedTime(hit.At) < ReuseFor)
        {
            return Copy(hit.Account);
        }

        await using var c = await db.OpenReadAsync(cancellationToken);
        var account = await c.QuerySingleOrDefaultAsync<Account>(new CommandDefinition(
            "SELECT sid, auth_token, friendly_name, date_created FROM accounts WHERE sid = @sid", new { sid }, cancellationToken: cancellationToken));
        if (account is null)
        {
            recent.TryRemove(sid, out _);
            return null;
        }

        recent[sid] = (Copy(account), Stopwatch.GetTimestamp());
        return account;
    }

    private static Account Copy(Account a) => new() { Sid = a.Sid, AuthToken = a.AuthToken, FriendlyName = a.FriendlyName, DateCreated = a.DateCreated };

    public async Task<bool> TryAddAsync(Account account, CancellationToken cancellationToken)
    {
        await using var w = await db.BeginWriteAsync(cancellationToken);
        var rows = await w.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO accounts (sid, auth_token, friendly_name, date_created) VALUES (@Sid, @AuthToken, @FriendlyName, @DateCreated) ON CONFLICT (sid) DO NOTHING",
            account, w.Transaction, cancellationToken: cancellationToken));
        await w.CommitAsync(cancellationToken);
        return rows == 1;
    }

    public async Task SetAuthTokenAsync(string sid, string authToken, CancellationToken cancellationToken)
    {
        await using var w = await db.BeginWriteAsync(cancellationToken);
        await w.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE accounts SET auth_token = @authToken WHERE sid = @sid", new { sid, authToken }, w.Transaction, cancellationToken: cancellationToken));
        await w.CommitAsync(cancellationToken);
        recent.TryRemove(sid, out _);
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM accounts", cancellationToken: cancellationToken));
    }

    public async Task<ApiKey?> FindKeyAsync(string sid, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await c.QuerySingleOrDefaultAsync<ApiKey>(new CommandDefinition(
            "SELECT sid, account_sid, secret_hash, friendly_name, date_created FROM api_keys WHERE sid = @sid", new { sid }, cancellationToken: cancellationToken));
    }

    public async Task AddKeyAsync(ApiKey key, CancellationToken cancellationToken)
    {
        await using var w = await db.BeginWriteAsync(cancellationToken);
        await w.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO api_keys (sid, account_sid, secret_hash, friendly_name, date_created) VALUES (@Sid, @AccountSid, @SecretHash, @FriendlyName, @DateCreated)",
            key, w.Transaction, cancellationToken: cancellationToken));
        await w.CommitAsync(cancellationToken);
    }
}
