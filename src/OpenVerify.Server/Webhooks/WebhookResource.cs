using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Webhooks;

/// <summary>The wire shape of a Webhook (<c>verify.v2.service.webhook</c>).</summary>
public sealed record WebhookResource(
    string Sid, string ServiceSid, string AccountSid, string FriendlyName, IReadOnlyList<string> EventTypes, string Status, string Version,
    string WebhookUrl, string WebhookMethod, string DateCreated, string DateUpdated, string Url)
{
    /// <summary>Builds the resource with its absolute URL.</summary>
    public static WebhookResource From(Webhook w, string root) => new(
        w.Sid, w.ServiceSid, w.AccountSid, w.FriendlyName, w.EventTypes, w.Status, w.Version, w.WebhookUrl, w.WebhookMethod,
        TwilioDate.ToWire(w.DateCreated), TwilioDate.ToWire(w.DateUpdated), VerifyUrls.Service(root, w.ServiceSid) + "/Webhooks/" + w.Sid);
}

/// <summary>
/// The create response: the webhook plus its Standard Webhooks <c>secret</c> (an OpenVerify addition),
/// shown this once and never again.
/// </summary>
public sealed record NewWebhookResource(
    string Sid, string ServiceSid, string AccountSid, string FriendlyName, IReadOnlyList<string> EventTypes, string Status, string Version,
    string WebhookUrl, string WebhookMethod, string DateCreated, string DateUpdated, string Url, string Secret)
{
    /// <summary>Builds the create response.</summary>
    public static NewWebhookResource From(Webhook w, string secret, string root)
    {
        var r = WebhookResource.From(w, root);
        return new(r.Sid, r.ServiceSid, r.AccountSid, r.FriendlyName, r.EventTypes, r.Status, r.Version, r.WebhookUrl, r.WebhookMethod,
            r.DateCreated, r.DateUpdated, r.Url, secret);
    }
}
