using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OpenVerify.AppBackend.Users;

namespace OpenVerify.AppBackend.Logins;

/// <summary>
/// TOTP as the fallback login: <c>POST /totp</c> enrols an authenticator app for the signed-in user,
/// <c>POST /totp/verify</c> proves it with a first code, <c>POST /login/totp</c> signs in with a code.
/// </summary>
public static class TotpLoginApi
{
    /// <summary>The answer of <c>POST /totp</c>: the Key URI, shown once.</summary>
    public sealed record TotpEnrolment(string FactorSid, string Uri);

    /// <summary>The JSON body of <c>POST /totp/verify</c>.</summary>
    public sealed record TotpVerifyRequest(string? FactorSid, string? Code);

    /// <summary>The JSON body of <c>POST /login/totp</c>.</summary>
    public sealed record TotpLoginRequest(string? Username, string? Code);

    /// <summary>What a code did: the factor or challenge status and whether a session started.</summary>
    public sealed record TotpCodeStatus(string Status, bool SignedIn);

    /// <summary>Maps the three endpoints.</summary>
    public static void MapTotpLoginApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/totp", EnrolTotp).RequireAuthorization();
        app.MapPost("/totp/verify", VerifyTotp).RequireAuthorization();
        app.MapPost("/login/totp", TotpLogin);
    }

    /// <summary>Creates a TOTP factor for the signed-in user.</summary>
    public static async Task<Results<Created<TotpEnrolment>, UnauthorizedHttpResult>> EnrolTotp(
        ClaimsPrincipal principal, UserDirectory users, TotpLogins totp, HttpContext http)
    {
        if (LoginApi.CurrentUser(principal, users) is not { } user)
        {
            return TypedResults.Unauthorized();
        }

        var enrolment = await totp.EnrolAsync(user, http.RequestAborted);
        return TypedResults.Created((string?)null, new TotpEnrolment(enrolment.FactorSid, enrolment.Uri));
    }

    /// <summary>Verifies the signed-in user's new TOTP factor; 403 for a wrong code, 429 while locked.</summary>
    public static async Task<Results<Ok<TotpCodeStatus>, UnauthorizedHttpResult, ProblemHttpResult>> VerifyTotp(
        TotpVerifyRequest request, ClaimsPrincipal principal, UserDirectory users, TotpLogins totp, HttpContext http)
    {
        if (LoginApi.CurrentUser(principal, users) is not { } user)
        {
            return TypedResults.Unauthorized();
        }

        if (string.IsNullOrEmpty(request.FactorSid) || string.IsNullOrEmpty(request.Code))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "factorSid and code are required");
        }

        // The factor is looked up under the session's identity: another user's factor SID is simply not found.
        var result = await totp.VerifyAsync(user, request.FactorSid, request.Code, http.RequestAborted);
        return result.RefusedStatus != 0
            ? Refusal(result)
            : TypedResults.Ok(new TotpCodeStatus(result.Status!, SignedIn: false));
    }

    /// <summary>Signs in with a TOTP code: 200 and a session when approved, 401 otherwise, 429 while locked.</summary>
    public static async Task<Results<Ok<TotpCodeStatus>, UnauthorizedHttpResult, ProblemHttpResult>> TotpLogin(
        TotpLoginRequest request, UserDirectory users, TotpLogins totp, HttpContext http)
    {
        var user = users.Find(request.Username);
        if (user is null || string.IsNullOrEmpty(request.Code))
        {
            return TypedResults.Unauthorized();
        }

        var result = await totp.CheckAsync(user, request.Code, http.RequestAborted);
        if (result is null)
        {
            // As for push: the same answer whether the user is unknown or has no authenticator enrolled.
            return TypedResults.Unauthorized();
        }

        if (result.RefusedStatus != 0)
        {
            return Refusal(result);
        }

        if (!result.Accepted)
        {
            return TypedResults.Unauthorized();
        }

        await LoginApi.SignInAsync(http, user);
        return TypedResults.Ok(new TotpCodeStatus(result.Status!, SignedIn: true));
    }

    private static ProblemHttpResult Refusal(TotpLogins.CodeResult result) =>
        TypedResults.Problem(
            statusCode: result.RefusedStatus,
            title: result.RefusedStatus == StatusCodes.Status429TooManyRequests ? "Too many wrong codes; try again later" : "The code was not accepted",
            extensions: new Dictionary<string, object?> { ["code"] = result.RefusedCode });
}
