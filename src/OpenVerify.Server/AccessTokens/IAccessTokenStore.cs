namespace OpenVerify.Server.AccessTokens;

/// <summary>Persistence of enrolment access tokens.</summary>
public interface IAccessTokenStore
{
    /// <summary>Adds a token.</summary>
    Task AddAsync(AccessToken token, CancellationToken cancellationToken);

    /// <summary>The token by SID, or null.</summary>
    Task<AccessToken?> FindAsync(string sid, CancellationToken cancellationToken);
}
