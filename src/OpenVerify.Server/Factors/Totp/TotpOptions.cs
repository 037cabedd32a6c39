using System.ComponentModel.DataAnnotations;
using OpenVerify.Server.Hosting;

namespace OpenVerify.Server.Factors.Totp;

/// <summary>Settings of the <c>OpenVerify:Totp</c> section: the limits on TOTP factors.</summary>
public sealed class TotpOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "OpenVerify:Totp";

    /// <summary>
    /// Wrong codes a factor takes before it is locked (docs/protocol/service-behaviour.md §4: Twilio allows 5 per
    /// factor, then 60310). A right code starts the count again.
    /// </summary>
    [Range(1, 1000)]
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>
    /// How long a locked factor refuses every code (60310 with <c>Retry-After</c>). Twilio does not
    /// document its own; with the defaults a guesser gets 20 codes an hour per factor.
    /// </summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>TOTP factors per entity (docs/protocol/service-behaviour.md §4: 100).</summary>
    [Range(1, 1000)]
    public int MaxFactorsPerEntity { get; set; } = 100;
}
