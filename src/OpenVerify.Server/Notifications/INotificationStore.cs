namespace OpenVerify.Server.Notifications;

/// <summary>Persistence of notification requests.</summary>
public interface INotificationStore
{
    /// <summary>Records a notification request.</summary>
    Task AddAsync(Notification notification, CancellationToken cancellationToken);
}
