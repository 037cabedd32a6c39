using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Sids;
using OpenVerify.Protocol.Signing;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.AccessTokens;
using OpenVerify.Server.Accounts;
using OpenVerify.Server.Factors;

namespace OpenVerify.Server.Auth;

/// <summary>
/// Turns the Basic credentials of a request into a <see cref="Caller"/>:
/// <c>AC…:auth token</c> or <c>SK…:secret</c> (backends), <c>token:&lt;device JWT&gt;</c> (devices,
/// docs/protocol/device.md §2) or <c>token:&lt;access token&gt;</c> (enrolment). Every secret is compared
/// in constant time; every failure is the same 401, so nothing tells which part was wrong.
/// </summary>
public sealed class Authenticator(IAccountStore accounts, IFactorStore factors, IAccessTokenStore accessTokens, PublicKeys keys, TimeProvider clock)
{
    /// <summary>Clock difference tolerated on device JWT <c>nbf</c>/<c>exp</c>.</summary>
    public static readonly TimeSpan Leeway = TimeSpan.FromSeconds(60);

    /// <summary>Authenticates the request or throws a 401 <see cref="VerifyError"/>.</summary>
    public async Task<Caller> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (user, secret) = ReadBasic(request.Headers[HeaderNames.Authorization].ToString());
        if (user == DeviceJwt.BasicUser)
        {
            return secret.Count(c => c == '.') == 2
                ? await DeviceAsync(secret, cancellationToken)
                : new EnrolmentCaller(await EnrolmentAsync(secret, cancellationToken));
        }

        return await AccountAsync(user, secret, cancellationToken) ?? throw ErrorCatalogue.Unauthorized();
    }

    /// <summary>
    /// The account that <c>AC…</c> + auth token or <c>SK…</c> + API key secret stand for, or null: the
    /// backend half of <see cref="AuthenticateAsync"/>, also used by the admin console's sign-in form.
    /// </summary>
    public async Task<AccountCaller?> AccountAsync(string user, string secret, CancellationToken cancellationToken)
    {
        if (Sid.IsValid(user, SidPrefix.Account))
        {
            var account = await accounts.FindAsync(user, cancellationToken);
            return account is not null && SecretEquals(account.AuthToken, secret) ? new AccountCaller(account.Sid) : null;
        }

        if (Sid.IsValid(user, SidPrefix.ApiKey))
        {
            var key = await accounts.FindKeyAsync(user, cancellationToken);
            return key is not null && SecretEquals(key.SecretHash, HashSecret(secret)) ? new AccountCaller(key.AccountSid) : null;
        }

        return null;
    }

    /// <summary>SHA-256 hex of an API key secret, the form it is stored in.</summary>
    public static string HashSecret(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static (string User, string Secret) ReadBasic(string header)
    {
        const string scheme = "Basic ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length > 16384)
        {
            throw ErrorCatalogue.Unauthorized();
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[scheme.Length..].Trim()));
        }
        catch (FormatException)
        {
            throw ErrorCatalogue.Unauthorized();
        }

        var colon = decoded.IndexOf(':');
        return colon <= 0 ? throw ErrorCatalogue.Unauthorized() : (decoded[..colon], decoded[(colon + 1)..]);
    }

    /// <summary>
    /// A device JWT: parsed strictly (<see cref="CompactJws.TryParse"/>), claims of exactly the
    /// protocol's types (<see cref="DeviceJwtClaims"/>), then the factor its <c>kid</c> names, the
    /// signature with that factor's key, <c>sub</c> and the time window. Every refusal is the same 401.
    /// </summary>
    private async Task<DeviceCaller> DeviceAsync(string jwt, CancellationToken cancellationToken)
    {
        if (!CompactJws.TryParse(jwt, out var jws))
        {
            throw ErrorCatalogue.Unauthorized("Invalid device token");
        }

        using (jws)
        {
            if (!DeviceJwtClaims.TryRead(jws, out var claims))
            {
                throw ErrorCatalogue.Unauthorized("Invalid device token");
            }

            var factor = await factors.FindByCredentialAsync(claims.KeyId, cancellationToken) ?? throw ErrorCatalogue.Unauthorized("Invalid device token");
            if (!keys.TryRent(factor.PublicKey, out var key))
            {
                throw ErrorCatalogue.Unauthorized("Invalid device token");
            }

            using (key)
            {
                if (!jws.VerifyEs256(key.Key) || claims.Subject != factor.AccountSid || !claims.IsCurrent(clock.GetUtcNow().ToUnixTimeSeconds(), Leeway))
                {
                    throw ErrorCatalogue.Unauthorized("Invalid device token");
                }
            }

            return new DeviceCaller(factor) { TokenExpires = claims.Expires };
        }
    }

    private async Task<AccessToken> EnrolmentAsync(string token, CancellationToken cancellationToken)
    {
        var dot = token.IndexOf('.');
        var sid = dot > 0 ? token[..dot] : "";
        if (!Sid.IsValid(sid, SidPrefix.AccessToken))
        {
            throw ErrorCatalogue.Unauthorized("Invalid access token");
        }

        var stored = await accessTokens.FindAsync(sid, cancellationToken);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        if (stored is null || !SecretEquals(stored.Secret, token[(dot + 1)..]) || stored.ExpiresAt <= now || stored.ConsumedAt is not null)
        {
            throw ErrorCatalogue.Unauthorized("Invalid access token");
        }

        return stored;
    }

    private static bool SecretEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
}
