using Dapper;
using OpenVerify.Server.Delivery.Push;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlPushTokenStore(IDatabase db) : IPushTokenStore
{
    public async Task<bool> ClearTokenAsync(string factorSid, string token, long now, CancellationToken cancellationToken)
    {
        await using var w = await db.BeginWriteAsync(cancellationToken);
        var cleared = await w.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE factors SET notification_token = NULL, date_updated = @now WHERE sid = @factorSid AND notification_token = @token",
            new { factorSid, token, now }, w.Transaction, cancellationToken: cancellationToken));
        await w.CommitAsync(cancellationToken);
        return cleared == 1;
    }
}
