using Dapper;
using OpenVerify.Server.AccessTokens;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlAccessTokenStore(IDatabase db) : IAccessTokenStore
{
    public Task AddAsync(AccessToken token, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            await w.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO access_tokens (sid, account_sid, service_sid, identity, factor_type, factor_friendly_name, secret, ttl, date_created, expires_at, consumed_at) VALUES (@Sid, @AccountSid, @ServiceSid, @Identity, @FactorType, @FactorFriendlyName, @Secret, @Ttl, @DateCreated, @ExpiresAt, @ConsumedAt)",
                token, w.Transaction, cancellationToken: w.CancellationToken));
        }, cancellationToken);

    public async Task<AccessToken?> FindAsync(string sid, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await c.QuerySingleOrDefaultAsync<AccessToken>(new CommandDefinition(
            "SELECT sid, account_sid AS AccountSid, service_sid AS ServiceSid, identity, factor_type AS FactorType, factor_friendly_name AS FactorFriendlyName, secret, ttl, date_created AS DateCreated, expires_at AS ExpiresAt, consumed_at AS ConsumedAt FROM access_tokens WHERE sid = @sid",
            new { sid }, cancellationToken: cancellationToken));
    }
}
