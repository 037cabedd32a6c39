using OpenVerify.Protocol.Wire;

namespace OpenVerify.Server.Notifications;

/// <summary>The wire shape of a Notification (no url, no links).</summary>
public sealed record NotificationResource(
    string Sid, string AccountSid, string ServiceSid, string EntitySid, string Identity, string ChallengeSid, string Priority, int Ttl, string DateCreated)
{
    /// <summary>Builds the resource.</summary>
    public static NotificationResource From(Notification n) =>
        new(n.Sid, n.AccountSid, n.ServiceSid, n.EntitySid, n.Identity, n.ChallengeSid, n.Priority, n.Ttl, TwilioDate.ToWire(n.DateCreated));
}
