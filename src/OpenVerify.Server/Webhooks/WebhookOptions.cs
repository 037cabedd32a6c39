using System.ComponentModel.DataAnnotations;

namespace OpenVerify.Server.Webhooks;

/// <summary>Webhook delivery settings, bound from <c>OpenVerify:Webhooks</c> and validated at start.</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "OpenVerify:Webhooks";

    /// <summary>How long a delivery is retried (with back-off) before it is dead-lettered.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Allows webhook URLs that resolve to loopback, link-local or private addresses. Off by default,
    /// so a webhook cannot be aimed at the server's own network (SSRF); on for tests and single-host setups.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// Base64 of a 32-byte key. When set, webhook signing secrets are stored AES-256-GCM encrypted (bound to
    /// the webhook SID); without it they are stored as they are (and still never shown after creation).
    /// Secrets stored encrypted need the same key to be read.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9+/]{43}=$", ErrorMessage = "SecretEncryptionKey must be the base64 of 32 bytes")]
    public string? SecretEncryptionKey { get; set; }
}
