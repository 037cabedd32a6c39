using System.Net;
using System.Text;

namespace OpenVerify.Client.Tests;

/// <summary>
/// A fake Verify API: records every request and answers from a queue of scripted responses.
/// An unexpected request fails the test.
/// </summary>
internal sealed class FakeVerifyApi : HttpMessageHandler
{
    private readonly Queue<Func<RecordedRequest, HttpResponseMessage>> answers = new();

    public List<RecordedRequest> Requests { get; } = [];

    public RecordedRequest LastRequest => Requests[^1];

    /// <summary>Queues an answer with a JSON (or any) body and optional headers.</summary>
    public FakeVerifyApi Answer(HttpStatusCode status, string body = "", params (string Name, string Value)[] headers) =>
        Answer(_ => Response(status, body, headers));

    public FakeVerifyApi Answer(Func<RecordedRequest, HttpResponseMessage> answer)
    {
        answers.Enqueue(answer);
        return this;
    }

    public static HttpResponseMessage Response(HttpStatusCode status, string body, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var headers = request.Headers.NonValidated.ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest
        {
            Method = request.Method,
            Uri = request.RequestUri!,
            Headers = headers,
            ContentType = request.Content?.Headers.NonValidated.TryGetValues("Content-Type", out var type) == true ? string.Join(", ", type) : null,
            Body = body,
        };
        Requests.Add(recorded);
        Assert.True(answers.Count > 0, $"Unexpected request {request.Method} {request.RequestUri}");
        return answers.Dequeue()(recorded);
    }
}
