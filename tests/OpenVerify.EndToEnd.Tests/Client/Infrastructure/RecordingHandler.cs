using System.Collections.Concurrent;
using System.Net;


namespace OpenVerify.EndToEnd.Tests.Client.Infrastructure;

/// <summary>Passes requests on and records each answer's status and whether it carried a <c>Date</c> header.</summary>
internal sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public ConcurrentQueue<(HttpMethod Method, string Path, HttpStatusCode Status, DateTimeOffset? Date)> Answers { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        Answers.Enqueue((request.Method, request.RequestUri!.AbsolutePath, response.StatusCode, response.Headers.Date));
        return response;
    }
}
