using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenVerify.Protocol.Errors;
using OpenVerify.Server.Storage;
using OpenVerify.Server.Storage.Postgres;

namespace OpenVerify.Server.Live;

/// <summary>
/// Who on this instance listens to which factor's challenges, and how a committed change reaches
/// them. On SQLite every writer is in this process, so a unit of work that changes a challenge wakes
/// the factor's listeners once it has committed (<see cref="WriteScope.OnCommitted"/>). On
/// PostgreSQL other instances write too, so the unit sends <c>NOTIFY</c> instead, which PostgreSQL
/// delivers to every instance's <see cref="PostgresListener"/> only when (and if) the transaction
/// commits. A wake-up carries no data; listeners read the changes after their own cursor.
/// </summary>
public sealed class ChallengeFeed : IAsyncDisposable
{
    /// <summary>The PostgreSQL channel; the payload is the factor SID.</summary>
    internal const string Channel = "openverify_challenges";

    private readonly ConcurrentDictionary<string, Listeners> byFactor = new(StringComparer.Ordinal);
    private readonly LiveOptions options;
    private readonly PostgresListener? listener;
    private int streams;
    private int waits;

    /// <summary>Creates the feed for the configured storage.</summary>
    public ChallengeFeed(IDatabase database, IOptions<LiveOptions> options, ILogger<ChallengeFeed> logger)
    {
        this.options = options.Value;
        listener = database is PostgresDatabase postgres ? new PostgresListener(postgres.ConnectionString, Wake, logger) : null;
    }

    /// <summary>True when changes are announced through the database (PostgreSQL) rather than in the process.</summary>
    internal bool AnnouncesInDatabase => listener is not null;

    /// <summary>Open streams on this instance.</summary>
    public int OpenStreams => Volatile.Read(ref streams);

    /// <summary>Backend waits in progress on this instance.</summary>
    public int OpenWaits => Volatile.Read(ref waits);

    /// <summary>
    /// Announces, from inside the unit <paramref name="w"/>, that a challenge of the factor changed
    /// (or the factor itself went). Costs nothing on SQLite when nobody on this instance listens.
    /// </summary>
    internal Task AnnounceAsync(WriteScope w, string factorSid)
    {
        if (listener is not null)
        {
            return w.Connection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_notify('" + Channel + "', @factorSid)", new { factorSid }, w.Transaction, cancellationToken: w.CancellationToken));
        }

        AnnounceAfterCommit(w, factorSid);
        return Task.CompletedTask;
    }

    /// <summary>The in-process half of <see cref="AnnounceAsync"/>, for a unit that sends <c>NOTIFY</c> in its own statement.</summary>
    internal void AnnounceAfterCommit(WriteScope w, string factorSid)
    {
        if (listener is null && !byFactor.IsEmpty && byFactor.ContainsKey(factorSid))
        {
            w.OnCommitted(() => Wake(factorSid));
        }
    }

    /// <summary>
    /// Starts listening to the factor for a device stream. Refused with 503 beyond the limits per
    /// factor and per instance. On PostgreSQL it returns once this instance is LISTENing, so a change
    /// committed after it returns is never missed: subscribe first, then read.
    /// </summary>
    public Task<FeedSubscription> SubscribeStreamAsync(string factorSid, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref streams) > options.MaxStreams)
        {
            Interlocked.Decrement(ref streams);
            throw ErrorCatalogue.ServiceUnavailable($"Too many open event streams on this server (at most {options.MaxStreams}); try again later");
        }

        return SubscribeAsync(factorSid, isStream: true, cancellationToken);
    }

    /// <summary>Starts listening to the factor for a backend wait (limited per instance).</summary>
    public Task<FeedSubscription> SubscribeWaitAsync(string factorSid, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref waits) > options.MaxWaits)
        {
            Interlocked.Decrement(ref waits);
            throw ErrorCatalogue.ServiceUnavailable($"Too many requests waiting on this server (at most {options.MaxWaits}); try again later");
        }

        return SubscribeAsync(factorSid, isStream: false, cancellationToken);
    }

    private async Task<FeedSubscription> SubscribeAsync(string factorSid, bool isStream, CancellationToken cancellationToken)
    {
        var subscription = new FeedSubscription(factorSid, isStream, Release);
        try
        {
            while (true)
            {
                var listeners = byFactor.GetOrAdd(factorSid, static _ => new Listeners());
                var added = listeners.TryAdd(subscription, isStream ? options.MaxStreamsPerFactor : int.MaxValue);
                if (added == Listeners.Added.Full)
                {
                    throw ErrorCatalogue.ServiceUnavailable($"Too many open event streams for this factor (at most {options.MaxStreamsPerFactor}); close one or try again later");
                }

                if (added == Listeners.Added.Yes)
                {
                    break;
                }

                // That entry was emptied and is being removed: take a fresh one.
            }
        }
        catch
        {
            Uncount(isStream);
            throw;
        }

        if (listener is not null)
        {
            try
            {
                await listener.EnsureListeningAsync(cancellationToken);
            }
            catch
            {
                subscription.Dispose();
                throw;
            }
        }

        return subscription;
    }

    private void Release(FeedSubscription subscription)
    {
        if (byFactor.TryGetValue(subscription.FactorSid, out var listeners) && listeners.Remove(subscription))
        {
            byFactor.TryRemove(new KeyValuePair<string, Listeners>(subscription.FactorSid, listeners));
        }

        Uncount(subscription.IsStream);
    }

    private void Uncount(bool isStream)
    {
        if (isStream)
        {
            Interlocked.Decrement(ref streams);
        }
        else
        {
            Interlocked.Decrement(ref waits);
        }
    }

    /// <summary>Wakes the factor's listeners; null wakes every listener (after the PostgreSQL listener reconnected).</summary>
    private void Wake(string? factorSid)
    {
        if (factorSid is null)
        {
            foreach (var listeners in byFactor.Values)
            {
                listeners.SignalAll();
            }
        }
        else if (byFactor.TryGetValue(factorSid, out var listeners))
        {
            listeners.SignalAll();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (listener is not null)
        {
            await listener.DisposeAsync();
        }
    }

    /// <summary>The listeners of one factor. Once emptied it is dead, so a racing subscriber takes a new entry.</summary>
    private sealed class Listeners
    {
        public enum Added
        {
            Yes,
            Full,
            Dead,
        }

        private readonly Lock gate = new();
        private readonly List<FeedSubscription> subscriptions = new(1);
        private int streamCount;
        private bool dead;

        public Added TryAdd(FeedSubscription subscription, int maxStreams)
        {
            lock (gate)
            {
                if (dead)
                {
                    return Added.Dead;
                }

                if (subscription.IsStream)
                {
                    if (streamCount >= maxStreams)
                    {
                        return Added.Full;
                    }

                    streamCount++;
                }

                subscriptions.Add(subscription);
                return Added.Yes;
            }
        }

        /// <summary>Removes it; true when that emptied this entry (which is now dead).</summary>
        public bool Remove(FeedSubscription subscription)
        {
            lock (gate)
            {
                if (subscriptions.Remove(subscription) && subscription.IsStream)
                {
                    streamCount--;
                }

                dead = subscriptions.Count == 0;
                return dead;
            }
        }

        public void SignalAll()
        {
            FeedSubscription[] woken;
            lock (gate)
            {
                woken = [.. subscriptions];
            }

            foreach (var subscription in woken)
            {
                subscription.Signal();
            }
        }
    }
}
