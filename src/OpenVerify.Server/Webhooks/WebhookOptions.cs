using OpenVerify.Server.Hosting;

namespace OpenVerify.Server.Webhooks;

/// <summary>Webhook delivery settings, bound from <c>OpenVerify:Webhooks</c> and validated at start.</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "OpenVerify:Webhooks";

    /// <summary>How long a delivery is retried (with back-off) before it is dead-lettered.</summary>
    [TimeSpanRange("00:00:01", "30.00:00:00")]
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Allows webhook URLs that resolve to loopback, link-local or private addresses. Off by default,
    /// so a webhook cannot be aimed at the server's own network (SSRF); on for tests and single-host setups.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }
}
