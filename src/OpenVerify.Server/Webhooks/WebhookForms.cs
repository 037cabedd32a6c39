using OpenVerify.Protocol.Errors;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Webhooks;

/// <summary>Create/Update Webhook forms (docs/protocol/rest-api.md §2.7), read into checked inputs; <see cref="WebhooksApi"/> applies them.</summary>
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

    /// <summary>What a CreateWebhook request carries, checked; a null status or version takes the default.</summary>
    public sealed record CreateInput(string FriendlyName, IReadOnlyList<string> EventTypes, string WebhookUrl, string? Status, string? Version);

    /// <summary>What an UpdateWebhook request carries, checked; null is "not sent".</summary>
    public sealed record UpdateInput(string? FriendlyName, IReadOnlyList<string>? EventTypes, string? WebhookUrl, string? Status, string? Version);

    /// <summary>Reads a CreateWebhook form: <c>FriendlyName</c>, <c>EventTypes</c> and <c>WebhookUrl</c> are required, in that order.</summary>
    public static CreateInput ReadCreate(VerifyForm form) => new(
        ReadFriendlyName(form),
        ReadEventTypes(form),
        ReadWebhookUrl(form),
        ReadStatus(form),
        ReadVersion(form));

    /// <summary>Reads an UpdateWebhook form: each field only when sent, checked as on create.</summary>
    public static UpdateInput ReadUpdate(VerifyForm form) => new(
        form.Has("FriendlyName") ? ReadFriendlyName(form) : null,
        form.Has("EventTypes") ? ReadEventTypes(form) : null,
        form.Has("WebhookUrl") ? ReadWebhookUrl(form) : null,
        ReadStatus(form),
        ReadVersion(form));

    private static string ReadFriendlyName(VerifyForm form) => form.Text("FriendlyName", 64, 1) ?? throw ErrorCatalogue.MissingParameter("FriendlyName");

    private static IReadOnlyList<string> ReadEventTypes(VerifyForm form)
    {
        var types = form.All("EventTypes");
        if (types.Count == 0 || types.Any(string.IsNullOrEmpty))
        {
            throw ErrorCatalogue.MissingParameter("EventTypes");
        }

        var unknown = types.FirstOrDefault(t => !EventTypes.Contains(t, StringComparer.Ordinal));
        return unknown is null
            ? types
            : throw ErrorCatalogue.InvalidParameter("EventTypes", $"'{unknown}' is not one of " + string.Join(", ", EventTypes));
    }

    private static string ReadWebhookUrl(VerifyForm form)
    {
        var url = form.Text("WebhookUrl", 2048, 1) ?? throw ErrorCatalogue.MissingParameter("WebhookUrl");
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? url
            : throw ErrorCatalogue.InvalidParameter("WebhookUrl", "must be an absolute http or https URL");
    }

    private static string? ReadStatus(VerifyForm form) => form.OneOf("Status", "enabled", "disabled");

    private static string? ReadVersion(VerifyForm form) => form.OneOf("Version", "v1", "v2");
}
