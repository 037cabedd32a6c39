using OpenVerify.Server.Delivery;

namespace OpenVerify.Server.Notifications;

/// <summary>Persistence of notification requests.</summary>
public interface INotificationStore
{
    /// <summary>Records a notification request with its push job.</summary>
    Task AddAsync(Notification notification, IEnumerable<OutboxMessage> consequences, CancellationToken cancellationToken);
}
