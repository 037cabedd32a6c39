using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenVerify.Server.Storage.Sql;

namespace OpenVerify.Server.Console;

/// <summary>
/// The admin console (issue #17): Razor Pages under <c>/console</c>, signed in with the account SID and
/// auth token or an API key, in a cookie session. Every page reads through the API's stores, scoped to
/// the signed-in account; changes go through the API's own domain paths and are audited.
/// </summary>
public static class ConsoleHosting
{
    /// <summary>Registers the console's options, pages, cookie session, anti-forgery, sign-in limiter and audit log.</summary>
    public static IServiceCollection AddOpenVerifyConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ConsoleOptions>().Bind(configuration.GetSection(ConsoleOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<SignInLimiter>();
        services.TryAddSingleton<IAuditLog, SqlAuditLog>();
        // Note: no default scheme, so API requests are never looked at by the cookie handler.
        services.AddAuthentication().AddCookie(ConsoleSession.Scheme, cookie =>
        {
            cookie.Cookie.Name = ConsoleSession.CookieName;
            cookie.Cookie.Path = "/console";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.LoginPath = "/console/login";
            cookie.LogoutPath = "/console/logout";
            cookie.AccessDeniedPath = "/console/login";
            cookie.ReturnUrlParameter = "returnUrl";
            cookie.SlidingExpiration = true;
            cookie.Events.OnValidatePrincipal = ConsoleSession.ValidateAsync;
        });
        services.AddOptions<CookieAuthenticationOptions>(ConsoleSession.Scheme)
            .Configure<IOptions<ConsoleOptions>>((cookie, console) => cookie.ExpireTimeSpan = console.Value.SessionLifetime);
        services.AddAuthorizationBuilder().AddPolicy(ConsoleSession.Scheme, policy => policy.AddAuthenticationSchemes(ConsoleSession.Scheme).RequireAuthenticatedUser());
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = ConsoleSession.AntiforgeryCookieName;
            antiforgery.Cookie.Path = "/console";
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
        });
        var pages = services.AddRazorPages(razor =>
        {
            // Note: the console's pages live in this library's Console/Pages folder; each names its absolute route.
            razor.RootDirectory = "/Console/Pages";
            razor.Conventions.AuthorizeFolder("/", ConsoleSession.Scheme);
            razor.Conventions.AllowAnonymousToPage("/Login");
        });
        pages.ConfigureApplicationPartManager(parts =>
        {
            // The host's entry assembly (the CLI, a test runner) may or may not list this library already;
            // adding it twice would map every page twice.
            var assembly = typeof(ConsoleHosting).Assembly;
            if (!parts.ApplicationParts.OfType<AssemblyPart>().Any(p => p.Assembly == assembly))
            {
                foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                {
                    parts.ApplicationParts.Add(part);
                }
            }
        });
        return services;
    }

    /// <summary>Maps the console under <c>/console</c> when <see cref="ConsoleOptions.Enabled"/>.</summary>
    public static WebApplication MapOpenVerifyConsole(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value.Enabled)
        {
            return app;
        }

        app.UseWhen(http => http.Request.Path.StartsWithSegments("/console"), console => console.UseMiddleware<ConsoleGate>());
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
        return app;
    }
}
