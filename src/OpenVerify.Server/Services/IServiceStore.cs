using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Services;

/// <summary>Persistence of services, always scoped to the owning account.</summary>
public interface IServiceStore
{
    /// <summary>Adds a new service.</summary>
    Task AddAsync(Service service, CancellationToken cancellationToken);

    /// <summary>The account's service, or null (another account's service is null too).</summary>
    Task<Service?> FindAsync(string accountSid, string sid, CancellationToken cancellationToken);

    /// <summary>A page of the account's services.</summary>
    Task<IReadOnlyList<Service>> ListAsync(string accountSid, PageQuery page, CancellationToken cancellationToken);

    /// <summary>Saves name and settings.</summary>
    Task UpdateAsync(Service service, CancellationToken cancellationToken);

    /// <summary>Deletes the service and everything under it; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string accountSid, string sid, CancellationToken cancellationToken);
}
