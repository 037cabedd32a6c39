using Dapper;
using OpenVerify.Server.Accounts;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlAccountStore(IDatabase db) : IAccountStore
{
    public async Task<Account?> FindAsync(string sid, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await c.QuerySingleOrDefaultAsync<Account>(new CommandDefinition(
            "SELECT sid, auth_token, friendly_name, date_created FROM accounts WHERE sid = @sid", new { sid }, cancellationToken: cancellationToken));
    }

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
