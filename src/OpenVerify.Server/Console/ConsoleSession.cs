using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Accounts;

namespace OpenVerify.Server.Console;

/// <summary>
/// What a console session cookie carries: the account, the actor (the account SID or the API key SID
/// that signed in) and a fingerprint of that credential's secret as stored, so rotating the auth token
/// or deleting the key ends the sessions opened with it at their next request.
/// </summary>
public static class ConsoleSession
{
    /// <summary>The cookie authentication scheme (and authorization policy) of the console.</summary>
    public const string Scheme = "OpenVerifyConsole";

    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "openverify-console";

    /// <summary>The anti-forgery cookie's name.</summary>
    public const string AntiforgeryCookieName = "openverify-console-csrf";

    private const string AccountClaim = "openverify:account";
    private const string ActorClaim = "openverify:actor";
    private const string FingerprintClaim = "openverify:fingerprint";

    /// <summary>The principal of a session for <paramref name="accountSid"/>, signed in as <paramref name="actor"/>.</summary>
    public static ClaimsPrincipal Principal(string accountSid, string actor, string storedSecret) => new(new ClaimsIdentity(
        [new Claim(AccountClaim, accountSid), new Claim(ActorClaim, actor), new Claim(FingerprintClaim, Fingerprint(storedSecret))], Scheme));

    /// <summary>The signed-in account.</summary>
    public static string AccountSid(ClaimsPrincipal user) => user.FindFirstValue(AccountClaim) ?? throw new InvalidOperationException("not a console session");

    /// <summary>Who signed in.</summary>
    public static string Actor(ClaimsPrincipal user) => user.FindFirstValue(ActorClaim) ?? throw new InvalidOperationException("not a console session");

    /// <summary>
    /// Cookie validation on every request: the credential that opened the session still exists, still
    /// belongs to the account and still has the same secret; otherwise the session ends.
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var accounts = context.HttpContext.RequestServices.GetRequiredService<IAccountStore>();
        if (context.Principal is not { } user || !await StillValidAsync(user, accounts, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
        }
    }

    private static async Task<bool> StillValidAsync(ClaimsPrincipal user, IAccountStore accounts, CancellationToken cancellationToken)
    {
        var accountSid = user.FindFirstValue(AccountClaim);
        var actor = user.FindFirstValue(ActorClaim);
        var fingerprint = user.FindFirstValue(FingerprintClaim);
        if (accountSid is null || actor is null || fingerprint is null)
        {
            return false;
        }

        string? stored = null;
        if (Sid.IsValid(actor, SidPrefix.Account))
        {
            stored = actor == accountSid ? (await accounts.FindAsync(actor, cancellationToken))?.AuthToken : null;
        }
        else if (Sid.IsValid(actor, SidPrefix.ApiKey) && await accounts.FindKeyAsync(actor, cancellationToken) is { } key && key.AccountSid == accountSid)
        {
            stored = key.SecretHash;
        }

        return stored is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Fingerprint(stored)), Encoding.ASCII.GetBytes(fingerprint));
    }

    // Note: a hash, so the cookie (readable by whoever holds it, though encrypted) never carries the secret itself.
    private static string Fingerprint(string storedSecret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("openverify-console:" + storedSecret)))[..32];
}
