using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.AccessTokens;
using OpenVerify.Server.Factors;

namespace OpenVerify.Server.Auth;

/// <summary>Who made the request, as established by <see cref="Authenticator"/>.</summary>
public abstract record Caller(string AccountSid)
{
    /// <summary>
    /// Minimal-API binding: authenticates the request once (parameter binding runs before endpoint
    /// filters, so this is where it has to happen) and remembers the result for the request.
    /// </summary>
    public static async ValueTask<Caller?> BindAsync(HttpContext context)
    {
        if (context.Items[typeof(Caller)] is Caller known)
        {
            return known;
        }

        var caller = await context.RequestServices.GetRequiredService<Authenticator>().AuthenticateAsync(context.Request, context.RequestAborted);
        context.Items[typeof(Caller)] = caller;
        return caller;
    }
}

/// <summary>An app backend with the account's auth token or one of its API keys: may do anything in the account.</summary>
public sealed record AccountCaller(string AccountSid) : Caller(AccountSid);

/// <summary>A device holding a factor's private key (device JWT): scoped to that factor.</summary>
public sealed record DeviceCaller(Factor Factor) : Caller(Factor.AccountSid)
{
    /// <summary>The JWT's <c>exp</c> (Unix seconds): a live event stream ends when the token would no longer be accepted.</summary>
    public long TokenExpires { get; init; }
}

/// <summary>A device holding an enrolment access token: may create one push factor for its identity.</summary>
public sealed record EnrolmentCaller(AccessToken Token) : Caller(Token.AccountSid);
