using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OpenVerify.AppBackend.Users;
using Twilio.Clients;
using Twilio.Rest.Verify.V2.Service;

namespace OpenVerify.AppBackend.AccessTokens;

/// <summary>
/// <c>POST /accessTokens</c>: the enrolment token a device needs to register its push factor, for the
/// signed-in user only (docs/protocol/device.md §9.4). The answer is what Twilio's sample apps expect:
/// <c>{token, serviceSid, identity, factorType}</c>.
/// </summary>
public static class AccessTokensApi
{
    /// <summary>The answer.</summary>
    public sealed record AccessTokenResponse(string Token, string ServiceSid, string Identity, string FactorType);

    /// <summary>Maps the endpoint (signed-in users only).</summary>
    public static void MapAccessTokensApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/accessTokens", CreateAccessToken).RequireAuthorization();

    /// <summary>
    /// Creates a push access token for the signed-in user's identity. Note: Twilio's sample apps send
    /// the identity themselves (Android as a form field, iOS as JSON); it is never trusted: a request naming
    /// anyone else is refused, and the identity always comes from the session.
    /// </summary>
    public static async Task<Results<Ok<AccessTokenResponse>, UnauthorizedHttpResult, ProblemHttpResult>> CreateAccessToken(
        ClaimsPrincipal principal, UserDirectory users, ITwilioRestClient verify, IOptions<AppBackendOptions> options, HttpContext http)
    {
        var user = LoginApi.CurrentUser(principal, users);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        var asked = await RequestedIdentityAsync(http.Request);
        if (asked is not null && asked != user.Id)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "An access token is only issued for the signed-in user's own identity");
        }

        var settings = options.Value;
        var token = await AccessTokenResource.CreateAsync(
            settings.ServiceSid, user.Id, AccessTokenResource.FactorTypesEnum.Push, ttl: settings.AccessTokenTtl, client: verify);
        return TypedResults.Ok(new AccessTokenResponse(token.Token, token.ServiceSid, token.EntityIdentity, "push"));
    }

    /// <summary>The identity the caller named, if any: form field or JSON property <c>identity</c>.</summary>
    private static async Task<string?> RequestedIdentityAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            return form.TryGetValue("identity", out var value) ? value.ToString() : null;
        }

        if (request.HasJsonContentType() && request.ContentLength is not 0)
        {
            try
            {
                using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
                return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("identity", out var identity)
                    ? identity.ToString()
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return null;
    }
}
