using System.ComponentModel.DataAnnotations;
using OpenVerify.AppBackend.Users;

namespace OpenVerify.AppBackend;

/// <summary>The sample backend's settings, bound from the <c>AppBackend</c> configuration section.</summary>
public sealed class AppBackendOptions
{
    /// <summary>The configuration section name (environment variables <c>AppBackend__*</c>).</summary>
    public const string Section = "AppBackend";

    /// <summary>The OpenVerify server, e.g. <c>http://127.0.0.1:5000</c>. Twilio's helper is redirected there.</summary>
    [Required]
    [Url]
    public string OpenVerifyUrl { get; set; } = "http://127.0.0.1:5000";

    /// <summary>The account SID (<c>AC…</c>), or an API key SID (<c>SK…</c>) together with <see cref="AccountSid"/>.</summary>
    [Required]
    public string AccountSid { get; set; } = "";

    /// <summary>The account's auth token: the Basic password for the API and the key of <c>X-Twilio-Signature</c>.</summary>
    [Required]
    public string AuthToken { get; set; } = "";

    /// <summary>The Verify service (<c>VA…</c>) this app's users enrol in.</summary>
    [Required]
    public string ServiceSid { get; set; } = "";

    /// <summary>
    /// The URL OpenVerify reaches this backend at (e.g. <c>https://app.example.com</c> behind a proxy).
    /// Webhook signatures are checked against it, and the webhook is registered with it. Without it,
    /// the request's own scheme and host are used, which is right only when nothing sits in between.
    /// </summary>
    [Url]
    public string? PublicUrl { get; set; }

    /// <summary>Registers <c>{PublicUrl}/webhooks</c> with the service at start unless it is there already.</summary>
    public bool RegisterWebhook { get; set; } = true;

    /// <summary>The name users see for this app, in the challenge message.</summary>
    [Required]
    public string AppName { get; set; } = "Example App";

    /// <summary>Enrolment access-token lifetime in seconds (OpenVerify accepts 60–300).</summary>
    [Range(60, 300)]
    public int AccessTokenTtl { get; set; } = 300;

    /// <summary>How long a push login waits for the webhook before it asks OpenVerify itself (polling).</summary>
    [TimeSpanRange("00:00:00", "00:05:00")]
    public TimeSpan WebhookGrace { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often a push login polls OpenVerify once no webhook has come.</summary>
    [TimeSpanRange("00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Challenge lifetime.</summary>
    [TimeSpanRange("00:00:10", "01:00:00")]
    public TimeSpan ChallengeExpiry { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The demo's users. Empty means <see cref="DemoUser.Defaults"/> (alice and bob).</summary>
    public List<DemoUser> Users { get; set; } = [];
}
