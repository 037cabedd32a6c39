using System.ComponentModel.DataAnnotations;
using OpenVerify.Server.Hosting;

namespace OpenVerify.Server.Console;

/// <summary>The admin console at <c>/console</c> (section <c>OpenVerify:Console</c>), validated at start.</summary>
public sealed class ConsoleOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "OpenVerify:Console";

    /// <summary>Serve the console at all; off, <c>/console</c> answers 404 like any unknown path.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Serve the console to clients that are not on loopback. Off by default: the console is then only
    /// reachable from the machine itself (or through a tunnel or reverse proxy the operator chose), while
    /// the API may listen on every interface.
    /// </summary>
    public bool AllowRemote { get; set; }

    /// <summary>Wrong sign-ins allowed per client address and SID in <see cref="SignInWindow"/>; after that, 429 until the window ends.</summary>
    [Range(1, 1000)]
    public int SignInFailures { get; set; } = 5;

    /// <summary>The window <see cref="SignInFailures"/> are counted in.</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a session lasts without use (sliding).</summary>
    [TimeSpanRange("00:01:00", "7.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);
}
