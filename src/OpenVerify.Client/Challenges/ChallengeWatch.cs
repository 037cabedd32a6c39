using System.Runtime.CompilerServices;
using System.Text;

namespace OpenVerify.Client;

/// <summary>
/// Watches a factor's challenges. OpenVerify servers offer <c>…/Challenges/Events</c>, a
/// server-sent event stream (docs/live.md): the watch holds it open, reconnects when it ends (the
/// server ends it when the device JWT it was opened with expires) with a fresh JWT and the last
/// event id, so nothing is lost or repeated. A server without it (Twilio, an older OpenVerify)
/// answers 404: the watch then polls the pending list instead, the SDK's way for factors without push.
/// </summary>
internal sealed class ChallengeWatch(ApiTransport transport, LocalFactors factors, PushChallenges challenges)
{
    // The server sends a heartbeat every 15 s; three missed ones mean the connection is dead.
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public async IAsyncEnumerable<ChallengeEvent> WatchAsync(string factorSid, TimeSpan pollInterval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var factor = await factors.LoadAsync(factorSid, cancellationToken).ConfigureAwait(false);
        var request = ApiRequest.Get(ApiPaths.ChallengeEvents(factor), [new("FactorSid", factor.Sid)]);
        string? lastEventId = null;
        var failures = 0;
        while (true)
        {
            HttpResponseMessage? response;
            try
            {
                response = await transport.OpenStreamAsDeviceAsync(request, factor, lastEventId, cancellationToken).ConfigureAwait(false);
            }
            catch (VerifyClientException e) when (e.Category == ErrorCategory.Network && e.HttpStatus is null)
            {
                response = null;
            }

            if (response is null || (int)response.StatusCode is 500 or 502 or 503 or 504)
            {
                response?.Dispose();
                failures++;
                await Task.Delay(Backoff(failures), cancellationToken).ConfigureAwait(false);
                continue;
            }

            using (response)
            {
                var isStream = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
                if (!response.IsSuccessStatusCode || !isStream)
                {
                    if ((int)response.StatusCode is 404 or 405 or 501 || (response.IsSuccessStatusCode && !isStream))
                    {
                        break;
                    }

                    var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                    throw new VerifyClientException(ApiFailure.Read((int)response.StatusCode, body, null));
                }

                failures = 0;
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), Encoding.UTF8);
                while (await ReadEventAsync(reader, cancellationToken).ConfigureAwait(false) is { } received)
                {
                    lastEventId = received.Id ?? lastEventId;
                    if (received.Event is not null)
                    {
                        yield return received.Event;
                    }
                }
            }

            // The server ended it (the JWT's expiry, a restart) or the connection dropped: reconnect now.
            // A deleted factor's reconnect is refused (401) and ends the watch with that error.
        }

        await foreach (var polled in PollAsync(factor, pollInterval, cancellationToken).ConfigureAwait(false))
        {
            yield return polled;
        }
    }

    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 500 * Math.Pow(2, Math.Min(failures, 10))));

    /// <summary>The next event (null Event for one of another type), or null when the stream ended, broke or went silent.</summary>
    private static async Task<(string? Id, ChallengeEvent? Event)?> ReadEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? id = null, type = null;
        var data = new StringBuilder();
        while (true)
        {
            string? line;
            using (var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                silence.CancelAfter(ReadTimeout);
                try
                {
                    line = await reader.ReadLineAsync(silence.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return null;
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    return null;
                }
            }

            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                if (data.Length == 0)
                {
                    continue;
                }

                return (id, ToEvent(type, data.ToString()));
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
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

    private static ChallengeEvent? ToEvent(string? type, string data)
    {
        var kind = type switch
        {
            "challenge" => ChallengeEventKind.Pending,
            "challenge.updated" => ChallengeEventKind.Updated,
            _ => (ChallengeEventKind?)null,
        };
        if (kind is null)
        {
            return null;
        }

        using var document = JsonFields.ParseObject(data);
        return new ChallengeEvent(kind.Value, ChallengeMapper.FromJson(document.RootElement), FromStream: true);
    }

    /// <summary>Polls the pending list; a challenge that leaves it is fetched and reported as updated.</summary>
    private async IAsyncEnumerable<ChallengeEvent> PollAsync(Factor factor, TimeSpan interval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pending = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var list = await challenges.ListAsync(new ChallengeListPayload(factor.Sid, 50, ChallengeStatus.Pending, ChallengeListOrder.Asc), cancellationToken).ConfigureAwait(false);
            var now = list.Challenges.Where(c => c.Status == ChallengeStatus.Pending).ToList();
            foreach (var challenge in now.Where(c => pending.Add(c.Sid)))
            {
                yield return new ChallengeEvent(ChallengeEventKind.Pending, challenge, FromStream: false);
            }

            foreach (var left in pending.Except(now.Select(c => c.Sid)).ToList())
            {
                pending.Remove(left);
                var challenge = await challenges.GetAsync(left, factor.Sid, cancellationToken).ConfigureAwait(false);
                yield return new ChallengeEvent(ChallengeEventKind.Updated, challenge, FromStream: false);
            }

            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        }
    }
}
