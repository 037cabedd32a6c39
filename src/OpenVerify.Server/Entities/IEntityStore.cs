using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Entities;

/// <summary>Persistence of entities within a service.</summary>
public interface IEntityStore
{
    /// <summary>Adds an entity; false when the identity already exists in the service.</summary>
    Task<bool> TryAddAsync(Entity entity, CancellationToken cancellationToken);

    /// <summary>The entity, or null.</summary>
    Task<Entity?> FindAsync(string serviceSid, string identity, CancellationToken cancellationToken);

    /// <summary>A page of the service's entities.</summary>
    Task<IReadOnlyList<Entity>> ListAsync(string serviceSid, PageQuery page, CancellationToken cancellationToken);

    /// <summary>Deletes the entity with its factors and challenges; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string serviceSid, string identity, CancellationToken cancellationToken);
}
