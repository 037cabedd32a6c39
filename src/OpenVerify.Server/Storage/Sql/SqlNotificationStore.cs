using Dapper;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Notifications;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlNotificationStore(IDatabase db, IOutbox outbox) : INotificationStore
{
    public Task AddAsync(Notification notification, IEnumerable<OutboxMessage> consequences, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            await w.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO notifications (sid, account_sid, service_sid, entity_sid, identity, challenge_sid, priority, ttl, date_created) VALUES (@Sid, @AccountSid, @ServiceSid, @EntitySid, @Identity, @ChallengeSid, @Priority, @Ttl, @DateCreated)",
                notification, w.Transaction, cancellationToken: w.CancellationToken));
            await outbox.AddAsync(w, consequences);
        }, cancellationToken);
}
