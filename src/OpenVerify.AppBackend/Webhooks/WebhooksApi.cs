using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OpenVerify.AppBackend.Logins;
using Twilio.Security;

namespace OpenVerify.AppBackend.Webhooks;

/// <summary>
/// <c>POST /webhooks</c>: OpenVerify's v2 webhooks (form-encoded, signed with <c>X-Twilio-Signature</c>).
/// Anything without a valid signature is refused with 403 before it is read further.
/// </summary>
public static class WebhooksApi
{
    /// <summary>The path the webhook is registered at.</summary>
    public const string Path = "/webhooks";

    /// <summary>Maps the receiver.</summary>
    public static void MapWebhooksApi(this IEndpointRouteBuilder app) => app.MapPost(Path, ReceiveWebhook);

    /// <summary>Checks the signature with Twilio's <see cref="RequestValidator"/>, records the event once, applies challenge outcomes.</summary>
    public static async Task<Results<Ok, StatusCodeHttpResult>> ReceiveWebhook(
        HttpContext http, WebhookInbox inbox, PushLogins logins, IOptions<AppBackendOptions> options, TimeProvider clock)
    {
        if (!http.Request.HasFormContentType)
        {
            inbox.CountRejected();
            return TypedResults.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var signature = http.Request.Headers["X-Twilio-Signature"].ToString();
        if (signature.Length == 0 || !new RequestValidator(options.Value.AuthToken).Validate(CalledUrl(http.Request, options.Value.PublicUrl), fields, signature))
        {
            inbox.CountRejected();
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }

        var webhook = new ReceivedWebhook(fields, clock.GetUtcNow());
        if (inbox.Add(webhook))
        {
            logins.Apply(webhook);
        }

        return TypedResults.Ok();
    }

    /// <summary>
    /// The URL OpenVerify called, which is what it signed. Note: behind a proxy or a TLS terminator the
    /// request this app sees has another scheme, host or port, so the configured public URL is used
    /// (with the path and query as received); without one, the request's own URL.
    /// </summary>
    public static string CalledUrl(HttpRequest request, string? publicUrl)
    {
        var origin = string.IsNullOrEmpty(publicUrl)
            ? request.Scheme + "://" + request.Host.Value + request.PathBase.Value
            : publicUrl.TrimEnd('/');
        return origin + request.Path.Value + request.QueryString.Value;
    }
}
