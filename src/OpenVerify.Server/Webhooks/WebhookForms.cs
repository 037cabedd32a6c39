using OpenVerify.Protocol.Errors;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Webhooks;

/// <summary>Create/Update Webhook form rules (docs/protocol/rest-api.md §2.7).</summary>
public static class WebhookForms
{
    /// <summary>
    /// Event types a webhook may subscribe to: Twilio's six, plus <c>challenge.expired</c>, <c>factor.expired</c>,
    /// the TOTP <c>factor.locked</c> and the push-fatigue <c>challenge.reported</c> and <c>factor.cooldown</c>,
    /// which Twilio lacks and which are only sent to webhooks naming them.
    /// </summary>
    public static readonly string[] EventTypes =
        ["*", "factor.created", "factor.verified", "factor.deleted", "challenge.approved", "challenge.denied", "challenge.expired", "factor.expired",
            "factor.locked", "challenge.reported", "factor.cooldown"];

    /// <summary>
    /// Twilio's five event types, the ones <c>*</c> stands for. Note: <c>challenge.expired</c> and
    /// <c>factor.expired</c> are OpenVerify's; a receiver written for Twilio never sees them unless it asks.
    /// </summary>
    public static bool IsTwilioEventType(string type) =>
        type is "factor.created" or "factor.verified" or "factor.deleted" or "challenge.approved" or "challenge.denied";

    /// <summary>Applies the form to the webhook; on create the three required fields must be present.</summary>
    public static void Apply(VerifyForm form, Webhook webhook, bool creating)
    {
        if (creating || form.Has("FriendlyName"))
        {
            webhook.FriendlyName = form.Text("FriendlyName", 64, 1) ?? throw ErrorCatalogue.MissingParameter("FriendlyName");
        }

        if (creating || form.Has("EventTypes"))
        {
            var types = form.All("EventTypes");
            if (types.Count == 0 || types.Any(string.IsNullOrEmpty))
            {
                throw ErrorCatalogue.MissingParameter("EventTypes");
            }

            var unknown = types.FirstOrDefault(t => !EventTypes.Contains(t, StringComparer.Ordinal));
            if (unknown is not null)
            {
                throw ErrorCatalogue.InvalidParameter("EventTypes", $"'{unknown}' is not one of " + string.Join(", ", EventTypes));
            }

            webhook.EventTypes = types;
        }

        if (creating || form.Has("WebhookUrl"))
        {
            var url = form.Text("WebhookUrl", 2048, 1) ?? throw ErrorCatalogue.MissingParameter("WebhookUrl");
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw ErrorCatalogue.InvalidParameter("WebhookUrl", "must be an absolute http or https URL");
            }

            webhook.WebhookUrl = url;
        }

        webhook.Status = form.OneOf("Status", "enabled", "disabled") ?? webhook.Status;
        webhook.Version = form.OneOf("Version", "v1", "v2") ?? webhook.Version;
    }
}
