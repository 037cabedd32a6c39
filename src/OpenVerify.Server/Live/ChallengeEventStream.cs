using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Background;
using OpenVerify.Server.Challenges;

namespace OpenVerify.Server.Live;

/// <summary>
/// One open device stream. Event ids are the factor's change numbers (<see cref="IChallengeChanges"/>):
/// after a wake-up, or on resume after <c>Last-Event-ID</c>, it sends every challenge changed after
/// its cursor, once, as it is now, so a missed or doubled wake-up loses or repeats nothing. While
/// idle it holds no thread and runs no code but a timer (heartbeat, token expiry, the next expiry of
/// a challenge it announced).
/// </summary>
internal sealed class ChallengeEventStream(
    HttpResponse response, FeedSubscription subscription, IChallengeChanges changes, string factorSid, string root, string eventRoot,
    TimeSpan heartbeat, DateTimeOffset endsAt, TimeProvider clock, JsonSerializerOptions json)
{
    /// <summary>A new or pending challenge.</summary>
    public const string ChallengeEvent = "challenge";

    /// <summary>A challenge approved, denied or expired.</summary>
    public const string UpdatedEvent = "challenge.updated";

    private const int Batch = 100;

    // Pending challenges this stream announced, with their expiry: when one is due, the stream
    // stores the expiry itself rather than wait for the maintenance sweep.
    private readonly Dictionary<string, long> pending = new(StringComparer.Ordinal);
    private readonly StringBuilder text = new();
    private DateTimeOffset heartbeatDue;
    private bool expiryDue;

    public async Task RunAsync(long head, long? resumeAfter, CancellationToken cancellationToken)
    {
        long cursor;
        // A cursor beyond the head is not of this factor's sequence (another database, another factor): start afresh.
        if (resumeAfter is { } after && after <= head)
        {
            cursor = after;
        }
        else
        {
            cursor = head;
            var now = clock.GetUtcNow().ToUnixTimeSeconds();
            foreach (var challenge in await changes.PendingAsync(factorSid, head, now, cancellationToken))
            {
                Append(challenge, now);
            }
        }

        // Note: a comment first, so the headers leave now and the device knows it is connected.
        text.Append(": connected\n\n");
        await FlushAsync(cancellationToken);
        var changed = true;
        while (true)
        {
            if (changed)
            {
                var current = await changes.HeadAsync(factorSid, cancellationToken);
                if (current is null)
                {
                    return;
                }

                while (current > cursor)
                {
                    var rows = await changes.ChangedAfterAsync(factorSid, cursor, Batch, cancellationToken);
                    var now = clock.GetUtcNow().ToUnixTimeSeconds();
                    foreach (var challenge in rows)
                    {
                        Append(challenge, now);
                        cursor = challenge.ChangeSeq;
                    }

                    if (rows.Count < Batch)
                    {
                        break;
                    }
                }

                if (text.Length > 0)
                {
                    await FlushAsync(cancellationToken);
                }
            }

            if (expiryDue)
            {
                expiryDue = false;
                var now = clock.GetUtcNow();
                // Announced like any change: this stream (and every other of the factor) wakes up and reads it.
                await changes.ExpireDueAsync(factorSid, now.ToUnixTimeSeconds(), c => Maintenance.ExpiredEvents(c, now, eventRoot), cancellationToken);
                // Expired now, or changed otherwise meanwhile: either way their next event is a change.
                foreach (var sid in pending.Where(p => p.Value <= now.ToUnixTimeSeconds()).Select(p => p.Key).ToList())
                {
                    pending.Remove(sid);
                }
            }

            changed = await WaitAsync(cancellationToken);
            if (clock.GetUtcNow() >= endsAt)
            {
                return;
            }

            if (clock.GetUtcNow() >= heartbeatDue)
            {
                text.Append(": heartbeat\n\n");
                await FlushAsync(cancellationToken);
            }
        }
    }

    /// <summary>Waits for a change (true) or the next timer (false).</summary>
    private async Task<bool> WaitAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = heartbeatDue < endsAt ? heartbeatDue : endsAt;
        if (pending.Count > 0)
        {
            var nextExpiry = DateTimeOffset.FromUnixTimeSeconds(pending.Values.Min());
            if (nextExpiry <= now)
            {
                expiryDue = true;
                return false;
            }

            until = nextExpiry < until ? nextExpiry : until;
        }

        return await subscription.WaitAsync(until, clock, cancellationToken);
    }

    private void Append(Challenge challenge, long now)
    {
        var status = ChallengeRules.StatusAt(challenge, now);
        if (status == ChallengeStatuses.Expired && challenge.Status == ChallengeStatuses.Pending)
        {
            // Expired but not yet stored so: storing it gives it a new number, and that is the
            // event; announcing it now as well would repeat it.
            expiryDue = true;
            pending.Remove(challenge.Sid);
            return;
        }

        // The device's view, as its fetch answers: number choices, never the number to match.
        var resource = ChallengeResource.From(challenge, now, root, forDevice: true);
        var data = JsonSerializer.Serialize(resource, json);
        string type;
        if (status == ChallengeStatuses.Pending)
        {
            type = ChallengeEvent;
            pending[challenge.Sid] = challenge.ExpirationDate;
            // The header a fetch carries (docs/protocol/device.md §4), as a member of the same object.
            data = data[..^1] + ",\"signature_fields\":\"" + ChallengeRules.SignatureFields + "\"}";
        }
        else
        {
            type = UpdatedEvent;
            pending.Remove(challenge.Sid);
        }

        text.Append("id: ").Append(challenge.ChangeSeq).Append("\nevent: ").Append(type).Append("\ndata: ").Append(data).Append("\n\n");
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        // Note: the next heartbeat is due from when this write started, not from when the flush
        // returned: the device may read the bytes (and its clock move on) before the flush returns,
        // and a later start would put the heartbeat off by however long that was.
        var started = clock.GetUtcNow();
        await response.WriteAsync(text.ToString(), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        text.Clear();
        heartbeatDue = started + heartbeat;
    }
}
