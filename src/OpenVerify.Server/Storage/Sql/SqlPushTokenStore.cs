using Dapper;
using OpenVerify.Server.Delivery.Push;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlPushTokenStore(IDatabase db, FactorRows recent) : IPushTokenStore
{
    public Task<bool> ClearTokenAsync(string factorSid, string token, long now, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            var credentialSid = await w.Connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                "UPDATE factors SET notification_token = NULL, date_updated = @now WHERE sid = @factorSid AND notification_token = @token RETURNING credential_sid",
                new { factorSid, token, now }, w.Transaction, cancellationToken: w.CancellationToken));
            if (credentialSid is null)
            {
                return false;
            }

            w.OnCommitted(() => recent.Forget(factorSid, credentialSid));
            return true;
        }, cancellationToken);
}
