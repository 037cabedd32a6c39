using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace OpenVerify.Server.Console;

/// <summary>
/// In front of every <c>/console</c> request: refuses clients that are not on loopback (unless
/// <see cref="ConsoleOptions.AllowRemote"/>) with the same 404 as an unknown path, sets the headers
/// an admin page needs (no caching, no framing, no scripts), and gives bodiless error answers
/// (a refused anti-forgery token, a 404) an HTML page instead of the API's JSON error.
/// </summary>
internal sealed class ConsoleGate(RequestDelegate next, IOptions<ConsoleOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!options.Value.AllowRemote && !IsLocal(context.Connection.RemoteIpAddress))
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound);
            return;
        }

        var headers = context.Response.Headers;
        // Note: exactly what anti-forgery sets on its own pages, so it has nothing to override (and warn about).
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // The console runs no script at all: every page is a plain form.
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        await next(context);
        if (!context.Response.HasStarted && context.Response.StatusCode >= 400 && context.Response.ContentType is null && context.Response.ContentLength is null)
        {
            await WriteErrorAsync(context, context.Response.StatusCode);
        }
    }

    /// <summary>Note: a null address is an in-process or Unix-socket client, which is on this machine too.</summary>
    private static bool IsLocal(IPAddress? address) => address is null || IPAddress.IsLoopback(address);

    internal static Task WriteErrorAsync(HttpContext context, int status)
    {
        var (title, text) = status switch
        {
            400 => ("Request refused", "The form was not sent by this console or has expired. Go back, reload the page and try again."),
            404 => ("Not found", "There is nothing here, or it belongs to another account."),
            405 => ("Method not allowed", "This page cannot be used that way."),
            _ => ("Request failed", "The request could not be completed."),
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        var encoder = HtmlEncoder.Default;
        return context.Response.WriteAsync(
            $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{encoder.Encode(title)} · OpenVerify console</title></head>
            <body style="font-family:system-ui,sans-serif;margin:3rem"><h1>{status} {encoder.Encode(title)}</h1><p>{encoder.Encode(text)}</p><p><a href="/console">Back to the console</a></p></body></html>
            """, context.RequestAborted);
    }
}
