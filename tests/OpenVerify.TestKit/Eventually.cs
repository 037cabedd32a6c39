using System.Diagnostics;

namespace OpenVerify.TestKit;

/// <summary>
/// A bounded wait for a condition that has no event to wait on (a database row, another process's
/// health): re-checked every <c>interval</c> until it holds or <c>timeout</c> passes. Use it for the
/// event under test, never as a pause.
/// </summary>
public static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> returns true; throws <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null)
    {
        var started = Stopwatch.StartNew();
        while (!await condition())
        {
            if (started.Elapsed > timeout)
            {
                throw new TimeoutException($"Not within {timeout.TotalSeconds} s: {what}");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50));
        }
    }
}
