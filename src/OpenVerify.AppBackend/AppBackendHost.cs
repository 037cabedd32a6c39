using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenVerify.AppBackend.AccessTokens;
using OpenVerify.AppBackend.Logins;
using OpenVerify.AppBackend.Users;
using OpenVerify.AppBackend.Verify;
using OpenVerify.AppBackend.Webhooks;
using Twilio.Clients;

namespace OpenVerify.AppBackend;

/// <summary>
/// The sample backend as a library: <see cref="AppBackendHosting.AddAppBackend(IServiceCollection, IConfiguration)"/> and
/// <see cref="AppBackendHosting.MapAppBackend"/> for any host (samples/AppBackend/Program.cs), or <see cref="StartAsync"/> for a running
/// instance on Kestrel (the <c>openverify demo</c> command and the tests).
/// </summary>
public sealed class AppBackendHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private AppBackendHost(WebApplication app, Uri url, string? webhookSid)
    {
        this.app = app;
        Url = url;
        WebhookSid = webhookSid;
    }

    /// <summary>Where the backend listens, e.g. <c>http://127.0.0.1:43121</c>.</summary>
    public Uri Url { get; }

    /// <summary>The webhook registered with the service at start, if any.</summary>
    public string? WebhookSid { get; }

    /// <summary>The webhooks received so far.</summary>
    public WebhookInbox Webhooks => app.Services.GetRequiredService<WebhookInbox>();

    /// <summary>The backend's services.</summary>
    public IServiceProvider Services => app.Services;

    /// <summary>
    /// Starts the backend on <paramref name="urls"/> (default: a free port on 127.0.0.1), quietly (no
    /// console logging), and registers its webhook when <see cref="AppBackendOptions.RegisterWebhook"/> is set.
    /// </summary>
    public static async Task<AppBackendHost> StartAsync(AppBackendOptions options, string urls = "http://127.0.0.1:0", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(urls);
        builder.Services.AddAppBackend(options);
        var app = builder.Build();
        app.MapAppBackend();
        try
        {
            await app.StartAsync(cancellationToken);
            var url = new Uri(app.Urls.First());
            var webhookSid = await app.RegisterWebhookAsync(cancellationToken);
            return new AppBackendHost(app, url, webhookSid);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>Registration of the sample backend in a host.</summary>
public static class AppBackendHosting
{
    /// <summary>Registers the backend with options bound from <paramref name="section"/> (the <c>AppBackend</c> section), validated at start.</summary>
    public static IServiceCollection AddAppBackend(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<AppBackendOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        return services.AddAppBackendServices();
    }

    /// <summary>Registers the backend with these options, validated now.</summary>
    /// <exception cref="ValidationException">An option is missing or out of range.</exception>
    public static IServiceCollection AddAppBackend(this IServiceCollection services, AppBackendOptions options)
    {
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        services.AddSingleton(Options.Create(options));
        return services.AddAppBackendServices();
    }

    /// <summary>Twilio's client pointed at OpenVerify, the backend's services and the cookie session.</summary>
    private static IServiceCollection AddAppBackendServices(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ITwilioRestClient>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<AppBackendOptions>>().Value;
            return VerifyRestClient.Create(new Uri(o.OpenVerifyUrl), o.AccountSid, o.AuthToken);
        });
        services.AddSingleton<UserDirectory>();
        services.AddSingleton<WebhookInbox>();
        services.AddSingleton<WebhookRegistration>();
        services.AddSingleton<PushLogins>();
        services.AddSingleton<TotpLogins>();
        services.AddAuthorization();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = "appbackend.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            // An API answers 401/403 instead of redirecting to a login page.
            o.Events.OnRedirectToLogin = context => Status(context.Response, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => Status(context.Response, StatusCodes.Status403Forbidden);
        });
        return services;
    }

    /// <summary>Adds authentication and maps <c>/login</c>, <c>/logout</c>, <c>/me</c>, <c>/accessTokens</c>, <c>/webhooks</c>, <c>/login/push</c>, <c>/totp</c> and <c>/login/totp</c>.</summary>
    public static WebApplication MapAppBackend(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapLoginApi();
        app.MapAccessTokensApi();
        app.MapWebhooksApi();
        app.MapPushLoginApi();
        app.MapTotpLoginApi();
        return app;
    }

    /// <summary>
    /// Once the app listens: registers <c>{PublicUrl}/webhooks</c> (else the first listen address) when
    /// <see cref="AppBackendOptions.RegisterWebhook"/> is set. Returns the webhook SID, or null.
    /// </summary>
    public static async Task<string?> RegisterWebhookAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        var options = app.Services.GetRequiredService<IOptions<AppBackendOptions>>().Value;
        if (!options.RegisterWebhook)
        {
            return null;
        }

        var origin = (options.PublicUrl ?? app.Urls.First()).TrimEnd('/');
        return await app.Services.GetRequiredService<WebhookRegistration>().EnsureAsync(origin + WebhooksApi.Path, cancellationToken);
    }

    private static Task Status(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }
}
