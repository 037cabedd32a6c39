using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;


namespace OpenVerify.Cli.Tests.Commands.Device;

/// <summary>
/// "Your app backend" for <c>device enroll --backend</c>: <c>POST /accessTokens</c> answers
/// <c>{token, serviceSid, identity, factorType}</c> for the signed-in user (a session cookie), like
/// the SDK sample backends; without the cookie it answers 401.
/// </summary>
internal sealed class SampleAppBackend : IAsyncDisposable
{
    private readonly WebApplication app;

    private SampleAppBackend(WebApplication app, Uri endpoint)
    {
        this.app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static async Task<SampleAppBackend> StartAsync(VerifyBackend verify, string serviceSid, string identity, string session)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapPost("/accessTokens", async (HttpRequest request) =>
        {
            if (request.Cookies["session"] != session)
            {
                return Results.Unauthorized();
            }

            // The identity is the signed-in user's, whatever the body says.
            var token = await verify.CreateAccessTokenAsync(serviceSid, identity);
            return Results.Json(new Dictionary<string, string> { ["token"] = token, ["serviceSid"] = serviceSid, ["identity"] = identity, ["factorType"] = "push" });
        });
        await app.StartAsync();
        return new SampleAppBackend(app, new Uri($"http://127.0.0.1:{port}/accessTokens"));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
