using System.Data.Common;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using OpenVerify.Protocol.Errors;

namespace OpenVerify.Server.Http;

/// <summary>
/// The one error path: every failure leaves as <c>{code, message, more_info, status}</c> with the
/// matching HTTP status. A 401 always carries <c>Date</c>, from the server's clock, because the
/// device SDKs correct their clock from it and retry once (docs/protocol/device.md §1.6).
/// </summary>
public sealed class ErrorWriter(RequestDelegate next, ILogger<ErrorWriter> logger)
{
    /// <summary>Runs the pipeline and turns errors into Twilio-shaped responses.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (VerifyError error) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, error);
        }
        catch (BadHttpRequestException bad) when (!context.Response.HasStarted)
        {
            // Kestrel's own body limit, not ours (VerifyForm checks that one): name it when it is known.
            var error = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit
                    ? ErrorCatalogue.BodyTooLarge(limit)
                    : ErrorCatalogue.BodyTooLarge()
                : ErrorCatalogue.MalformedBody("Malformed request");
            await WriteAsync(context, error);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception exception) when (!context.Response.HasStarted && IsStorageUnavailable(exception))
        {
            // The database is away (restarting, unreachable): a 503 tells clients and load balancers to try again.
            logger.LogWarning("Storage unavailable on {Method} {Path}: {Error}", context.Request.Method, context.Request.Path, exception.Message);
            await WriteAsync(context, ErrorCatalogue.ServiceUnavailable("Service unavailable: the database cannot be reached; try again"));
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            await WriteAsync(context, ErrorCatalogue.InternalError());
        }

        if (!context.Response.HasStarted && context.Response.StatusCode >= 400 && context.Response.ContentLength is null && context.Response.ContentType is null)
        {
            // Routing's own 404/405 answers have no body; give them the Twilio shape too.
            var error = context.Response.StatusCode switch
            {
                404 => ErrorCatalogue.NotFound(context.Request.Path),
                405 => ErrorCatalogue.MethodNotAllowed(),
                var status => ErrorCatalogue.RequestFailed(status),
            };
            await WriteAsync(context, error);
        }
    }

    /// <summary>Sent with every 429 that says how long to wait, as Twilio does.</summary>
    public const string ReachedRateLimitHeader = "Twilio-Reached-Rate-Limit";

    /// <summary><c>Retry-After</c> is whole seconds; round up so a client that obeys it is not refused again, and never 0.</summary>
    public static long RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));

    /// <summary>Writes one error response.</summary>
    public static async Task WriteAsync(HttpContext context, VerifyError error)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.Status == StatusCodes.Status401Unauthorized)
        {
            var clock = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
            response.Headers[HeaderNames.Date] = clock.GetUtcNow().ToString("R");
            response.Headers[HeaderNames.WWWAuthenticate] = "Basic realm=\"Twilio API\"";
        }

        if (error.RetryAfter is { } wait)
        {
            response.Headers[HeaderNames.RetryAfter] = RetryAfterSeconds(wait).ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.Headers[ReachedRateLimitHeader] = "true";
        }

        await JsonSerializer.SerializeAsync(response.Body, new ErrorBody(error.Code, error.Message, error.MoreInfo, error.Status), VerifyJson.Options, context.RequestAborted);
    }

    /// <summary>
    /// A connection-level database failure: a transient provider error (Npgsql: connection refused or
    /// broken, server shutting down or starting up, timeouts), or a socket or timeout error underneath.
    /// </summary>
    private static bool IsStorageUnavailable(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException { IsTransient: true } or SocketException or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    private sealed record ErrorBody(int Code, string Message, string MoreInfo, int Status);
}
