using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace OpenVerify.Server.Console.Pages;

/// <summary>Sign out: a POST (with its anti-forgery token) ends the session; a GET only goes back to the console.</summary>
public sealed class LogoutModel : PageModel
{
    /// <summary>GET: nothing to do without a form.</summary>
    public IActionResult OnGet() => Redirect("/console");

    /// <summary>POST: ends the session.</summary>
    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(ConsoleSession.Scheme);
        return Redirect("/console/login");
    }
}
