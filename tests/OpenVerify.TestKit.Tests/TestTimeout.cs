namespace OpenVerify.TestKit.Tests;

/// <summary>A bound on every wait in these tests, so a wedged server fails a test instead of hanging the run.</summary>
internal static class TestTimeout
{
    private static readonly CancellationTokenSource Source = new(TimeSpan.FromMinutes(5));

    public static CancellationToken Token => Source.Token;
}
