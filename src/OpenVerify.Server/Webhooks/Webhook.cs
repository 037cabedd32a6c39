using System.Text.Json;

namespace OpenVerify.Server.Webhooks;

/// <summary>A webhook: where a service's events are posted.</summary>
public sealed class Webhook
{
    /// <summary>Row id (creation order).</summary>
    public long Id { get; set; }
    /// <summary>YW SID.</summary>
    public string Sid { get; set; } = "";
    /// <summary>Owning account.</summary>
    public string AccountSid { get; set; } = "";
    /// <summary>Owning service.</summary>
    public string ServiceSid { get; set; } = "";
    /// <summary>Label.</summary>
    public string FriendlyName { get; set; } = "";
    /// <summary>JSON array of event types, in the order sent.</summary>
    public string EventTypesJson { get; set; } = "[]";
    /// <summary>Target URL.</summary>
    public string WebhookUrl { get; set; } = "";
    /// <summary>enabled | disabled.</summary>
    public string Status { get; set; } = "enabled";
    /// <summary>v1 | v2.</summary>
    public string Version { get; set; } = "v2";
    /// <summary>Always POST.</summary>
    public string WebhookMethod { get; set; } = "POST";
    /// <summary>The Standard Webhooks signing secret as stored (see <see cref="WebhookSecretVault"/>); never shown after creation. Null on old webhooks.</summary>
    public string? Secret { get; set; }
    /// <summary>Unix seconds.</summary>
    public long DateCreated { get; set; }
    /// <summary>Unix seconds.</summary>
    public long DateUpdated { get; set; }

    /// <summary>True when the webhook takes events of <paramref name="type"/>: named explicitly, or via <c>*</c> for Twilio's own types.</summary>
    public bool Takes(string type)
    {
        var types = EventTypes;
        return types.Contains(type, StringComparer.Ordinal) || (types.Contains("*", StringComparer.Ordinal) && WebhookForms.IsTwilioEventType(type));
    }

    /// <summary>The event types.</summary>
    public IReadOnlyList<string> EventTypes
    {
        get => JsonSerializer.Deserialize<List<string>>(EventTypesJson) ?? [];
        set => EventTypesJson = JsonSerializer.Serialize(value);
    }
}
