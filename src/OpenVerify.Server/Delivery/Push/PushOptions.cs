using System.ComponentModel.DataAnnotations;
using OpenVerify.Server.Hosting;

namespace OpenVerify.Server.Delivery.Push;

/// <summary>
/// Settings of the <c>OpenVerify:Push</c> section. The endpoints are configurable so that tests and
/// benchmarks can point the senders at local stand-ins.
/// </summary>
public sealed class PushOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "OpenVerify:Push";

    /// <summary>FCM HTTP v1 base; messages go to <c>{FcmBaseUrl}/v1/projects/{project_id}/messages:send</c>.</summary>
    [Required, Url]
    public string FcmBaseUrl { get; set; } = "https://fcm.googleapis.com";

    /// <summary>Google's OAuth2 token endpoint, where service-account assertions are exchanged.</summary>
    [Required, Url]
    public string GoogleTokenUrl { get; set; } = "https://oauth2.googleapis.com/token";

    /// <summary>APNs production host, for credentials with Sandbox false.</summary>
    [Required, Url]
    public string ApnsProductionUrl { get; set; } = "https://api.push.apple.com";

    /// <summary>APNs development host, for credentials with Sandbox true.</summary>
    [Required, Url]
    public string ApnsSandboxUrl { get; set; } = "https://api.sandbox.push.apple.com";

    /// <summary>
    /// For tests only: the SHA-256 thumbprint (hex) of one extra server certificate to accept from
    /// APNs hosts, e.g. a local stand-in's self-signed certificate. Normal validation still applies
    /// to every other certificate; leave empty in production.
    /// </summary>
    [RegularExpression("^[0-9A-Fa-f]{64}$")]
    public string? ApnsTrustedCertificateThumbprint { get; set; }

    /// <summary>How long one send (connect, request, response) may take before it counts as a timeout and is retried.</summary>
    [TimeSpanRange("00:00:00.100", "00:02:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The APNs alert text for services with <c>Push.HideMessage</c>: a visible notification needs
    /// some text, and this one carries nothing about the request.
    /// </summary>
    [Required, StringLength(256, MinimumLength = 1)]
    public string HiddenMessageAlert { get; set; } = "You have a new request to review";
}
