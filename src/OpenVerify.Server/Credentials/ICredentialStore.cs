using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Credentials;

/// <summary>Persistence of push credentials, always scoped to the owning account.</summary>
public interface ICredentialStore
{
    /// <summary>Adds a credential.</summary>
    Task AddAsync(PushCredential credential, CancellationToken cancellationToken);

    /// <summary>The account's credential, or null (another account's is null too).</summary>
    Task<PushCredential?> FindAsync(string accountSid, string sid, CancellationToken cancellationToken);

    /// <summary>A page of the account's credentials.</summary>
    Task<IReadOnlyList<PushCredential>> ListAsync(string accountSid, PageQuery page, CancellationToken cancellationToken);

    /// <summary>Saves name, sandbox flag and sealed secret.</summary>
    Task UpdateAsync(PushCredential credential, CancellationToken cancellationToken);

    /// <summary>Deletes the credential; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string accountSid, string sid, CancellationToken cancellationToken);
}
