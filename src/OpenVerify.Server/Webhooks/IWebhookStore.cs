using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Webhooks;

/// <summary>Persistence of webhooks within a service.</summary>
public interface IWebhookStore
{
    /// <summary>Adds a webhook.</summary>
    Task AddAsync(Webhook webhook, CancellationToken cancellationToken);

    /// <summary>The webhook, or null.</summary>
    Task<Webhook?> FindAsync(string serviceSid, string sid, CancellationToken cancellationToken);

    /// <summary>A page of the service's webhooks.</summary>
    Task<IReadOnlyList<Webhook>> ListAsync(string serviceSid, PageQuery page, CancellationToken cancellationToken);

    /// <summary>The service's enabled webhooks, in creation order (event fan-out).</summary>
    Task<IReadOnlyList<Webhook>> ListEnabledAsync(string serviceSid, CancellationToken cancellationToken);

    /// <summary>Saves every mutable field.</summary>
    Task UpdateAsync(Webhook webhook, CancellationToken cancellationToken);

    /// <summary>Deletes; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string serviceSid, string sid, CancellationToken cancellationToken);
}
