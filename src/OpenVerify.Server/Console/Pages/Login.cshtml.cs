using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Accounts;
using OpenVerify.Server.Auth;

namespace OpenVerify.Server.Console.Pages;

/// <summary>
/// The sign-in form: the account SID and auth token, or an API key SID and secret, checked by the API's
/// own <see cref="Authenticator"/> (constant-time). Wrong ones are counted per client address and SID;
/// past <see cref="ConsoleOptions.SignInFailures"/> in a window, every attempt answers 429 until it ends.
/// </summary>
public sealed class LoginModel(Authenticator authenticator, IAccountStore accounts, SignInLimiter limiter, IOptions<ConsoleOptions> options) : PageModel
{
    /// <summary>The SID typed in (shown again after a failure; the secret never is).</summary>
    [BindProperty]
    public string Sid { get; set; } = "";

    /// <summary>The secret typed in.</summary>
    [BindProperty]
    public string Secret { get; set; } = "";

    /// <summary>Where to go after signing in (a console path only).</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Why the last attempt was refused.</summary>
    public string? Error { get; private set; }

    /// <summary>GET: the form.</summary>
    public void OnGet()
    {
    }

    /// <summary>POST: checks the credentials and opens a session.</summary>
    public async Task<IActionResult> OnPostAsync()
    {
        var sid = (Sid ?? "").Trim();
        var key = SignInLimiter.KeyOf(HttpContext.Connection.RemoteIpAddress, sid);
        if (limiter.IsBlocked(key))
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = ((int)Math.Ceiling(options.Value.SignInWindow.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Error = "Too many wrong sign-ins for this SID from your address. Wait a minute, then try again.";
            return Page();
        }

        var caller = await authenticator.AccountAsync(sid, Secret ?? "", HttpContext.RequestAborted);
        var stored = caller is null ? null
            : OpenVerify.Protocol.Sids.Sid.IsValid(sid, SidPrefix.ApiKey) ? (await accounts.FindKeyAsync(sid, HttpContext.RequestAborted))?.SecretHash
            : (await accounts.FindAsync(sid, HttpContext.RequestAborted))?.AuthToken;
        if (caller is null || stored is null)
        {
            limiter.Failed(key);
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Error = "Wrong SID or secret.";
            return Page();
        }

        limiter.Succeeded(key);
        await HttpContext.SignInAsync(ConsoleSession.Scheme, ConsoleSession.Principal(caller.AccountSid, sid, stored), new AuthenticationProperties { IsPersistent = false });
        return LocalRedirect(ReturnUrl is { } back && Url.IsLocalUrl(back) && back.StartsWith("/console", StringComparison.Ordinal) ? back : "/console");
    }
}
