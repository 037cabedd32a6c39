using System.Net.Http.Headers;
using System.Text;

namespace OpenVerify.Server.Tests.Infrastructure;

/// <summary>One server-sent event, or a comment line (<see cref="Comment"/> set, the rest empty).</summary>
public sealed record ServerEvent(string? Id, string? Type, string? Data, string? Comment)
{
    public JsonObject Json => JsonNode.Parse(Data ?? throw new InvalidOperationException("a comment has no data")) as JsonObject
        ?? throw new InvalidOperationException("data is not a JSON object: " + Data);
}

/// <summary>
/// A device's open <c>…/Challenges/Events</c> stream, read line by line as the SSE format says.
/// Every read is bounded: an event that does not come fails the test instead of hanging it.
/// </summary>
public sealed class EventStream : IAsyncDisposable
{
    // A bound, not a pause: on a loaded 2-core CI machine, with every test class running on both
    // providers at once, a stream's headers once took over 20 s to arrive.
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(60);
    private readonly HttpResponseMessage response;
    private readonly StreamReader reader;

    private EventStream(HttpResponseMessage response, StreamReader reader)
    {
        this.response = response;
        this.reader = reader;
    }

    public HttpResponseMessage Response => response;

    /// <summary>Sends the request; the status is not checked (see <see cref="OpenAsync(HttpClient, Enrolment, string?, string?)"/>).</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string basicUser, string basicSecret, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basicUser + ":" + basicSecret)));
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        using var timeout = new CancellationTokenSource(ReadTimeout);
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
    }

    public static string PathOf(Enrolment e, string? factorSid = null) => $"{e.EntityPath}/Challenges/Events?FactorSid={factorSid ?? e.Factor.Sid}";

    /// <summary>Opens the stream with a fresh device JWT and reads up to the <c>: connected</c> comment.</summary>
    public static async Task<EventStream> OpenAsync(HttpClient http, Enrolment e, string? lastEventId = null, string? jwt = null)
    {
        var response = await SendAsync(http, PathOf(e), "token", jwt ?? e.Device.CreateDeviceJwt(e.Factor), lastEventId);
        if ((int)response.StatusCode != 200)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.Dispose();
            throw new Xunit.Sdk.XunitException($"stream refused: {(int)response.StatusCode} {body}");
        }

        Assert.StartsWith("text/event-stream", response.Content.Headers.ContentType?.ToString());
        var stream = new EventStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
        return stream;
    }

    /// <summary>The next event or comment; null when the server ended the stream.</summary>
    public async Task<ServerEvent?> NextAsync()
    {
        string? id = null, type = null, comment = null;
        var data = new StringBuilder();
        using var timeout = new CancellationTokenSource(ReadTimeout);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no event within {ReadTimeout.TotalSeconds} s");
            }

            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                if (comment is not null || type is not null || data.Length > 0)
                {
                    return new ServerEvent(id, type, data.Length > 0 ? data.ToString() : null, comment);
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                comment = line[1..].Trim();
                continue;
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id":
                    id = value;
                    break;
                case "event":
                    type = value;
                    break;
                case "data":
                    data.Append(value);
                    break;
            }
        }
    }

    /// <summary>The next event that is not a comment.</summary>
    public async Task<ServerEvent> NextEventAsync()
    {
        while (true)
        {
            var next = await NextAsync() ?? throw new Xunit.Sdk.XunitException("the stream ended");
            if (next.Comment is null)
            {
                return next;
            }
        }
    }

    /// <summary>Reads up to the <c>: connected</c> comment, returning the events before it (the pending challenges).</summary>
    public async Task<List<ServerEvent>> UntilConnectedAsync()
    {
        var events = new List<ServerEvent>();
        while (true)
        {
            var next = await NextAsync() ?? throw new Xunit.Sdk.XunitException("the stream ended");
            if (next.Comment == "connected")
            {
                return events;
            }

            events.Add(next);
        }
    }

    public ValueTask DisposeAsync()
    {
        reader.Dispose();
        response.Dispose();
        return ValueTask.CompletedTask;
    }
}
