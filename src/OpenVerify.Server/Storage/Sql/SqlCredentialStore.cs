using Dapper;
using OpenVerify.Server.Credentials;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlCredentialStore(IDatabase db) : ICredentialStore
{
    private const string Columns = "id, sid, account_sid AS AccountSid, friendly_name AS FriendlyName, type, sandbox, secret AS SealedSecret, date_created AS DateCreated, date_updated AS DateUpdated";

    public Task AddAsync(PushCredential credential, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            credential.Id = await w.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO push_credentials (sid, account_sid, friendly_name, type, sandbox, secret, date_created, date_updated)
                VALUES (@Sid, @AccountSid, @FriendlyName, @Type, @sandbox, @SealedSecret, @DateCreated, @DateUpdated) RETURNING id
                """,
                new { credential.Sid, credential.AccountSid, credential.FriendlyName, credential.Type, sandbox = credential.Sandbox ? 1 : 0, credential.SealedSecret, credential.DateCreated, credential.DateUpdated },
                w.Transaction, cancellationToken: w.CancellationToken));
        }, cancellationToken);

    public async Task<PushCredential?> FindAsync(string accountSid, string sid, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await c.QuerySingleOrDefaultAsync<PushCredential>(new CommandDefinition(
            $"SELECT {Columns} FROM push_credentials WHERE sid = @sid AND account_sid = @accountSid", new { sid, accountSid }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<PushCredential>> ListAsync(string accountSid, PageQuery page, CancellationToken cancellationToken)
    {
        var (where, order) = page.Sql();
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await c.QueryAsync<PushCredential>(new CommandDefinition(
            $"SELECT {Columns} FROM push_credentials WHERE account_sid = @accountSid AND {where} ORDER BY id {order} LIMIT @limit OFFSET @offset",
            new { accountSid, cursor = page.CursorId, limit = page.Limit, offset = page.SkipRows }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public Task UpdateAsync(PushCredential credential, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            await w.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE push_credentials SET friendly_name = @FriendlyName, sandbox = @sandbox, secret = @SealedSecret, date_updated = @DateUpdated WHERE sid = @Sid AND account_sid = @AccountSid",
                new { credential.FriendlyName, sandbox = credential.Sandbox ? 1 : 0, credential.SealedSecret, credential.DateUpdated, credential.Sid, credential.AccountSid },
                w.Transaction, cancellationToken: w.CancellationToken));
        }, cancellationToken);

    public Task<bool> DeleteAsync(string accountSid, string sid, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            var deleted = await w.Connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM push_credentials WHERE sid = @sid AND account_sid = @accountSid", new { sid, accountSid }, w.Transaction, cancellationToken: w.CancellationToken));
            return deleted == 1;
        }, cancellationToken);
}
