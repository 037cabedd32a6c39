using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace OpenVerify.AppBackend.Users;

/// <summary>The demo sign-in: <c>POST /login</c>, <c>POST /logout</c>, <c>GET /me</c> (a cookie session).</summary>
public static class LoginApi
{
    /// <summary>The JSON body of <c>POST /login</c>.</summary>
    public sealed record LoginRequest(string? Username, string? Password);

    /// <summary>Who is signed in.</summary>
    public sealed record Me(string Username, string Identity);

    /// <summary>Maps the sign-in endpoints.</summary>
    public static void MapLoginApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/login", Login);
        app.MapPost("/logout", (Delegate)Logout);
        app.MapGet("/me", GetMe).RequireAuthorization();
    }

    /// <summary>Signs a user in with user name and password.</summary>
    public static async Task<Results<Ok<Me>, UnauthorizedHttpResult>> Login(LoginRequest request, UserDirectory users, HttpContext http)
    {
        var user = users.SignIn(request.Username, request.Password);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        await SignInAsync(http, user);
        return TypedResults.Ok(new Me(user.Username, user.Id));
    }

    /// <summary>Ends the session.</summary>
    public static async Task<NoContent> Logout(HttpContext http)
    {
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }

    /// <summary>The signed-in user.</summary>
    public static Results<Ok<Me>, UnauthorizedHttpResult> GetMe(ClaimsPrincipal principal, UserDirectory users) =>
        CurrentUser(principal, users) is { } user ? TypedResults.Ok(new Me(user.Username, user.Id)) : TypedResults.Unauthorized();

    /// <summary>Starts a cookie session for <paramref name="user"/> (password sign-in, or an approved push login).</summary>
    public static Task SignInAsync(HttpContext http, DemoUser user)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, user.Id), new Claim(ClaimTypes.Name, user.Username)],
            CookieAuthenticationDefaults.AuthenticationScheme);
        return http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>The signed-in user, or null.</summary>
    public static DemoUser? CurrentUser(ClaimsPrincipal principal, UserDirectory users) =>
        principal.Identity?.IsAuthenticated == true ? users.FindById(principal.FindFirstValue(ClaimTypes.NameIdentifier)) : null;
}
