using System.ComponentModel.DataAnnotations;
using OpenVerify.Server.Hosting;

namespace OpenVerify.Server.Challenges;

/// <summary>
/// Server-wide defaults of the push-fatigue limits (section <c>OpenVerify:PushFatigue</c>); a service's own
/// <c>Push.PendingLimit</c>, <c>Push.CooldownDenials</c>, <c>Push.CooldownWindowMinutes</c> and
/// <c>Push.CooldownMinutes</c> override them (docs/security.md).
/// Note: the limits are off unless configured. Twilio documents no cap on push challenges
/// (docs/protocol/service-behaviour.md §4), and apps and test suites written for it keep many challenges of one
/// factor pending or deny several in a row; a default limit broke such callers. The recommended
/// setting for a login service is <c>PendingLimit=5</c> and <c>CooldownDenials=3</c>.
/// </summary>
public sealed class PushFatigueOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "OpenVerify:PushFatigue";

    /// <summary>Pending challenges one factor may have; one more CreateChallenge answers 429. 0 = no limit (the default).</summary>
    [Range(0, 1000)]
    public int PendingLimit { get; set; }

    /// <summary>Denials of one factor within <see cref="CooldownWindow"/> that start a cool-down. 0 = never (the default).</summary>
    [Range(0, 1000)]
    public int CooldownDenials { get; set; }

    /// <summary>The window the denials are counted in.</summary>
    [TimeSpanRange("00:01:00", "1.00:00:00")]
    public TimeSpan CooldownWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long new challenges for the factor are refused once a cool-down starts.</summary>
    [TimeSpanRange("00:01:00", "1.00:00:00")]
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(15);
}
