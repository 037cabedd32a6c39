using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace OpenVerify.Server.Console;

/// <summary>
/// Counts wrong console sign-ins per client address and SID in fixed windows of the server's clock
/// (so tests move time instead of sleeping). Past the limit every attempt, right or wrong, is refused
/// until the window ends: guessing a token cannot go faster than the limit. Note: the counters live
/// in this instance's memory, like the API's rate limits (docs/security.md).
/// </summary>
public sealed class SignInLimiter(IOptions<ConsoleOptions> options, TimeProvider clock)
{
    private const int MaxKeys = 10_000;
    private readonly ConcurrentDictionary<string, Window> windows = new(StringComparer.Ordinal);

    /// <summary>True while <paramref name="key"/> has used up its failures in the current window.</summary>
    public bool IsBlocked(string key) => windows.TryGetValue(key, out var w) && Current(w) is { } open && open.Failures >= options.Value.SignInFailures;

    /// <summary>Counts one wrong sign-in.</summary>
    public void Failed(string key)
    {
        if (windows.Count >= MaxKeys)
        {
            // A flood of distinct keys: start over rather than grow without bound.
            windows.Clear();
        }

        var now = clock.GetUtcNow();
        windows.AddOrUpdate(key, _ => new Window(now, 1), (_, w) => Current(w) is { } open ? open with { Failures = open.Failures + 1 } : new Window(now, 1));
    }

    /// <summary>Forgets the failures after a right sign-in.</summary>
    public void Succeeded(string key) => windows.TryRemove(key, out _);

    /// <summary>The key of a sign-in: client address and the SID typed in.</summary>
    public static string KeyOf(System.Net.IPAddress? client, string sid) => (client?.ToString() ?? "local") + "|" + sid;

    private Window? Current(Window w) => clock.GetUtcNow() - w.Start < options.Value.SignInWindow ? w : null;

    private sealed record Window(DateTimeOffset Start, int Failures);
}
