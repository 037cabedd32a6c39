using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OpenVerify.AppBackend.Users;

namespace OpenVerify.AppBackend.Logins;

/// <summary>
/// <c>POST /login/push</c> starts a login that the user approves on their registered device;
/// <c>GET /login/push/{transactionId}?wait=SECONDS</c> reports its outcome and, once approved, starts
/// the session (once). The transaction id is random and only returned to whoever started the login.
/// </summary>
public static class PushLoginApi
{
    /// <summary>Longest wait a status request may ask for.</summary>
    public const int MaxWaitSeconds = 30;

    /// <summary>The JSON body of <c>POST /login/push</c>.</summary>
    public sealed record PushLoginRequest(string? Username);

    /// <summary>A login's state.</summary>
    public sealed record PushLoginStatus(string TransactionId, string ChallengeSid, string FactorSid, string Status, string? DecidedBy, bool SignedIn);

    /// <summary>Maps the two endpoints.</summary>
    public static void MapPushLoginApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/login/push", StartPushLogin);
        app.MapGet("/login/push/{transactionId}", GetPushLogin);
    }

    /// <summary>Sends the challenge: what the user sees in the details, the transaction id in hidden details.</summary>
    public static async Task<Results<Accepted<PushLoginStatus>, NotFound<ProblemDetailsBody>>> StartPushLogin(
        PushLoginRequest request, UserDirectory users, PushLogins logins, HttpContext http)
    {
        var user = users.Find(request.Username);
        var login = user is null ? null : await logins.StartAsync(user, DetailFields(http), http.RequestAborted);
        if (login is null)
        {
            // The same answer for an unknown user and one without a device: the endpoint does not reveal who exists.
            return TypedResults.NotFound(new ProblemDetailsBody("No verified device is registered for this user"));
        }

        return TypedResults.Accepted($"/login/push/{login.TransactionId}", Snapshot(login, signedIn: false));
    }

    /// <summary>The outcome, waiting up to <c>wait</c> seconds (default 0, at most 30) for it.</summary>
    public static async Task<Results<Ok<PushLoginStatus>, NotFound>> GetPushLogin(
        string transactionId, int? wait, PushLogins logins, UserDirectory users, HttpContext http)
    {
        var login = logins.Find(transactionId);
        if (login is null)
        {
            return TypedResults.NotFound();
        }

        await logins.AwaitOutcomeAsync(login, TimeSpan.FromSeconds(Math.Clamp(wait ?? 0, 0, MaxWaitSeconds)), http.RequestAborted);
        var signedIn = false;
        if (login.TryIssueSession() && users.FindById(login.Identity) is { } user)
        {
            await LoginApi.SignInAsync(http, user);
            signedIn = true;
        }

        return TypedResults.Ok(Snapshot(login, signedIn));
    }

    /// <summary>A small error body.</summary>
    public sealed record ProblemDetailsBody(string Title);

    private static PushLoginStatus Snapshot(PushLogin login, bool signedIn) =>
        new(login.TransactionId, login.ChallengeSid, login.FactorSid, login.Status, login.DecidedBy, signedIn);

    /// <summary>What the user sees under the message: where the login comes from (values at most 128 characters).</summary>
    private static List<KeyValuePair<string, string>> DetailFields(HttpContext http)
    {
        var fields = new List<KeyValuePair<string, string>> { new("Action", "Sign in") };
        if (http.Connection.RemoteIpAddress is { } ip)
        {
            fields.Add(new("IP address", ip.ToString()));
        }

        var agent = http.Request.Headers.UserAgent.ToString();
        if (agent.Length > 0)
        {
            fields.Add(new("Browser", agent.Length > 128 ? agent[..128] : agent));
        }

        return fields;
    }
}
