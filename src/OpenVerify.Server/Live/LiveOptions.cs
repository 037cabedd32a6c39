using System.ComponentModel.DataAnnotations;
using OpenVerify.Server.Hosting;

namespace OpenVerify.Server.Live;

/// <summary>Limits of the live channel (device event streams, backend waits), bound from <c>OpenVerify:Live</c>.</summary>
public sealed class LiveOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "OpenVerify:Live";

    /// <summary>Open event streams of one factor on one instance (a device reconnecting overlaps its old stream briefly).</summary>
    [Range(1, 1000)]
    public int MaxStreamsPerFactor { get; set; } = 4;

    /// <summary>Open event streams on one instance.</summary>
    [Range(1, 1_000_000)]
    public int MaxStreams { get; set; } = 20_000;

    /// <summary>Backend requests waiting with <c>WaitSeconds</c> on one instance.</summary>
    [Range(1, 1_000_000)]
    public int MaxWaits { get; set; } = 10_000;

    /// <summary>How often an idle stream sends a comment line, so proxies and clients see it is alive.</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);
}
