
namespace OpenVerify.EndToEnd.Tests.Client.Infrastructure;

/// <summary>The real clock, off by a fixed offset: a device whose clock is wrong.</summary>
internal sealed class SkewedTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
