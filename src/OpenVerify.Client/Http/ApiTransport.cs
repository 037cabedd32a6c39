using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using OpenVerify.Protocol.Wire;

namespace OpenVerify.Client;

/// <summary>
/// Sends device API calls with the SDK's headers and encodings, classifies answers (any status
/// below 300 is success), and applies the single clock-sync retry (docs/protocol/device.md §1.6).
/// </summary>
internal sealed partial class ApiTransport(
    HttpClient http,
    Uri baseUrl,
    DeviceInfo device,
    DeviceJwtSigner jwts,
    DeviceClock clock,
    ILogger logger)
{
    private const string FormMediaType = "application/x-www-form-urlencoded";
    private const string JsonMediaType = "application/json";

    /// <summary>Create factor: <c>Basic token:&lt;access token&gt;</c>, one attempt, no retry.</summary>
    public async Task<ApiResponse> SendWithAccessTokenAsync(ApiRequest request, string accessToken, CancellationToken cancellationToken)
    {
        var (status, body, headers) = await SendOnceAsync(request, accessToken, cancellationToken).ConfigureAwait(false);
        if (status < 300)
        {
            return new ApiResponse(status, body, headers);
        }

        throw new VerifyClientException(ApiFailure.Read(status, body, First(headers, "Date")));
    }

    /// <summary>
    /// Every other call: <c>Basic token:&lt;device JWT&gt;</c>. A 401 that carries <c>Date</c> syncs the
    /// clock, re-signs and retries once. DELETE treats 404, and a 401 on the retry, as done.
    /// </summary>
    public async Task<ApiResponse> SendAsDeviceAsync(ApiRequest request, Factor factor, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var jwt = await jwts.SignAsync(factor, cancellationToken).ConfigureAwait(false);
            var (status, body, headers) = await SendOnceAsync(request, jwt, cancellationToken).ConfigureAwait(false);
            if (status < 300)
            {
                return new ApiResponse(status, body, headers);
            }

            var isDelete = request.Method == HttpMethod.Delete;
            // Note: both SDKs treat a delete answered 404 as done (the server no longer has it), and a
            // 401 on the retry too: the factor's kid is unknown because it is already gone.
            if (isDelete && (status == 404 || (status == 401 && attempt > 0)))
            {
                LogDeleteTreatedAsDone(logger, status);
                return new ApiResponse(status, body, headers);
            }

            var date = First(headers, "Date");
            var failure = ApiFailure.Read(status, body, date);
            if (status == 401 && attempt == 0 && date is not null)
            {
                if (!TryParseHttpDate(date, out var serverDate))
                {
                    // Note: Android ends in NetworkError when the Date header does not parse; iOS retries anyway.
                    throw new VerifyClientException(failure);
                }

                await clock.SyncAsync(serverDate, cancellationToken).ConfigureAwait(false);
                LogClockSynced(logger, date);
                continue;
            }

            throw new VerifyClientException(failure);
        }
    }

    /// <summary>
    /// Opens a streaming GET (the live event stream) as the device, with the same single clock-sync
    /// retry on 401. Returns the response once its headers arrived, whatever its status (the caller
    /// tells "not offered" from "try later"); a 401 after the retry throws. The caller disposes it.
    /// </summary>
    public async Task<HttpResponseMessage> OpenStreamAsDeviceAsync(ApiRequest request, Factor factor, string? lastEventId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var jwt = await jwts.SignAsync(factor, cancellationToken).ConfigureAwait(false);
            using var message = BuildMessage(request, jwt);
            message.Headers.Remove("Accept");
            message.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
            if (lastEventId is not null)
            {
                message.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
            }

            LogSending(logger, request.Method, request.Path);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                LogTransportFailed(logger, e, request.Method, request.Path);
                throw VerifyClientException.Network("Exception while calling the API: " + e.Message, e);
            }

            var status = (int)response.StatusCode;
            LogAnswered(logger, request.Method, request.Path, status);
            if (status != 401)
            {
                return response;
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var date = First(ApiResponse.ReadHeaders(response), "Date");
                if (attempt == 0 && date is not null && TryParseHttpDate(date, out var serverDate))
                {
                    await clock.SyncAsync(serverDate, cancellationToken).ConfigureAwait(false);
                    LogClockSynced(logger, date);
                    continue;
                }

                throw new VerifyClientException(ApiFailure.Read(status, body, date));
            }
        }
    }

    /// <summary>Parses an RFC 1123 date (<c>Tue, 21 Jul 2020 17:07:32 GMT</c>).</summary>
    internal static bool TryParseHttpDate(string value, out DateTimeOffset date) =>
        DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out date);

    private async Task<(int Status, string Body, Dictionary<string, string[]> Headers)> SendOnceAsync(
        ApiRequest request, string secret, CancellationToken cancellationToken)
    {
        using var message = BuildMessage(request, secret);
        LogSending(logger, request.Method, request.Path);
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            LogAnswered(logger, request.Method, request.Path, status);
            return (status, body, ApiResponse.ReadHeaders(response));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            LogTransportFailed(logger, e, request.Method, request.Path);
            throw VerifyClientException.Network("Exception while calling the API: " + e.Message, e);
        }
    }

    internal HttpRequestMessage BuildMessage(ApiRequest request, string secret)
    {
        var url = baseUrl.AbsoluteUri + request.Path;
        if (request.Query.Count > 0)
        {
            url += "?" + FormEncoding.Encode(request.Query);
        }

        var message = new HttpRequestMessage(request.Method, new Uri(url, UriKind.Absolute));
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(DeviceJwt.BasicUser + ":" + secret));
        message.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        message.Headers.TryAddWithoutValidation("User-Agent", device.UserAgent);
        // Note: the SDK sends Accept: application/x-www-form-urlencoded on GET (literally), and a form
        // Content-Type on every method, GET and DELETE included, even with no body (docs/protocol/device.md §1.2).
        message.Headers.TryAddWithoutValidation("Accept", request.Method == HttpMethod.Get ? FormMediaType : JsonMediaType);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(FormEncoding.Encode(request.Form)));
        content.Headers.ContentType = new MediaTypeHeaderValue(FormMediaType);
        message.Content = content;
        return message;
    }

    private static string? First(Dictionary<string, string[]> headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Length > 0 ? values[0] : null;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Verify API {Method} {Path}")]
    private static partial void LogSending(ILogger logger, HttpMethod method, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Verify API {Method} {Path} answered {Status}")]
    private static partial void LogAnswered(ILogger logger, HttpMethod method, string path, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Verify API {Method} {Path} failed in transport")]
    private static partial void LogTransportFailed(ILogger logger, Exception exception, HttpMethod method, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Clock synced to the server's Date {Date}; retrying once")]
    private static partial void LogClockSynced(ILogger logger, string date);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delete answered {Status}: the factor is already gone on the server")]
    private static partial void LogDeleteTreatedAsDone(ILogger logger, int status);
}
