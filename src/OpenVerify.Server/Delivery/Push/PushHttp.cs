using System.Net;

namespace OpenVerify.Server.Delivery.Push;

/// <summary>What FCM and APNs answers have in common: Retry-After, transient statuses, short details.</summary>
internal static class PushHttp
{
    /// <summary>429 and 5xx are worth another try; other errors are not.</summary>
    public static bool IsTransient(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The server's Retry-After (seconds or a date), if any.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? (date > now ? date - now : TimeSpan.Zero) : null;
    }

    /// <summary>A send that failed before an answer: timeouts and network errors are transient.</summary>
    public static PushResult Failed(string platform, Exception exception) => exception switch
    {
        TaskCanceledException or OperationCanceledException => PushResult.Transient($"{platform} timed out"),
        HttpRequestException http => PushResult.Transient($"{platform} unreachable: {Shorten(http.Message)}"),
        _ => PushResult.Transient($"{platform} failed: {exception.GetType().Name}: {Shorten(exception.Message)}"),
    };

    /// <summary>Keeps attempt details readable in the log.</summary>
    public static string Shorten(string? text, int max = 300) =>
        string.IsNullOrEmpty(text) ? "" : text.Length <= max ? text : text[..max] + "…";
}
