using Microsoft.Extensions.Logging;
using Npgsql;

namespace OpenVerify.Server.Live;

/// <summary>
/// This instance's one <c>LISTEN</c> connection, opened when the first stream or wait subscribes.
/// Note: LISTEN/NOTIFY rather than polling the database: a notification is sent inside the unit
/// of work and delivered only when it commits, within milliseconds, and an idle instance costs one
/// connection blocked in a read (no queries, no CPU); polling would cost a query per interval per
/// instance and add its interval to every event's delay. The price is a small lock PostgreSQL takes
/// at the commit of a transaction that notified. The connection is its own (no pool): LISTEN is
/// session state, which pooled connections must not carry (see <c>PostgresDatabase</c>).
/// After a reconnect every listener is woken, because notifications sent meanwhile were lost; the
/// listeners re-read after their cursors, so nothing is.
/// </summary>
internal sealed class PostgresListener(string connectionString, Action<string?> wake, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock startLock = new();
    private Task? loop;

    /// <summary>Completes once LISTEN is in effect (the first time; later reconnects wake everyone instead).</summary>
    public Task EnsureListeningAsync(CancellationToken cancellationToken)
    {
        if (loop is null)
        {
            lock (startLock)
            {
                // The loop belongs to the listener, not to the first caller: it stops with the listener.
                loop ??= Task.Run(() => RunAsync(stopping.Token), CancellationToken.None);
            }
        }

        return listening.Task.IsCompleted ? listening.Task : listening.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 30 };
        var retry = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                connection.Notification += (_, notification) => wake(notification.Payload);
                await connection.OpenAsync(cancellationToken);
                await using (var listen = new NpgsqlCommand("LISTEN " + ChallengeFeed.Channel, connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                retry = TimeSpan.FromMilliseconds(200);
                if (!listening.TrySetResult())
                {
                    wake(null);
                }

                while (true)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogWarning("Live channel: the PostgreSQL LISTEN connection failed ({Error}); reconnecting in {Delay} ms", exception.Message, retry.TotalMilliseconds);
                try
                {
                    // Note: wall-clock time, not the server's TimeProvider. The pause is between network
                    // attempts; under a test's fake clock it would never end, and every stream and wait
                    // of this instance would hang on a LISTEN that is never retried.
                    await Task.Delay(retry, TimeProvider.System, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (loop is not null)
        {
            await loop;
        }

        stopping.Dispose();
    }
}
