using System.Security.Cryptography;
using System.Text;

namespace OpenVerify.Server.Delivery.Webhooks;

/// <summary>
/// The v2 webhook body (docs/protocol/service-behaviour.md §3) as form fields, and the two signatures over it:
/// Twilio's <c>X-Twilio-Signature</c> and Standard Webhooks' <c>webhook-signature</c>.
/// </summary>
public static class WebhookPayload
{
    /// <summary>
    /// The form fields of an event, in a fixed order. Factor events carry the eight factor fields;
    /// challenge events add the challenge fields, leaving out those without a value (no hidden details,
    /// no metadata) as Twilio leaves out unset parameters.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Fields(VerifyEvent e)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("uuid", e.Uuid),
            new("type", e.Type),
            new("account_sid", e.AccountSid),
            new("service_sid", e.ServiceSid),
            new("entity_identity", e.EntityIdentity),
            new("factor_sid", e.FactorSid),
            new("factor_type", e.FactorType),
            new("factor_friendly_name", e.FactorFriendlyName),
        };
        if (e.ChallengeSid is not null)
        {
            fields.Add(new("challenge_sid", e.ChallengeSid));
            Add(fields, "challenge_details", e.ChallengeDetails);
            Add(fields, "challenge_hidden_details", e.ChallengeHiddenDetails);
            Add(fields, "challenge_metadata", e.ChallengeMetadata);
            Add(fields, "challenge_status", e.ChallengeStatus);
        }

        return fields;
    }

    /// <summary><c>application/x-www-form-urlencoded</c> (RFC 3986 escaping, UTF-8).</summary>
    public static string Encode(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join("&", fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));

    /// <summary>
    /// <c>X-Twilio-Signature</c>: base64 HMAC-SHA1, keyed with the account's auth token, of the URL
    /// exactly as called (query included, fragment not) followed by every parameter sorted by name
    /// (ordinal), each as name then value. What Twilio's <c>RequestValidator</c> recomputes.
    /// </summary>
    public static string TwilioSignature(string authToken, string url, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var data = new StringBuilder(url);
        foreach (var field in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            data.Append(field.Key).Append(field.Value);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    /// <summary>Standard Webhooks <c>webhook-signature</c>: <c>v1,</c> + base64 HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c>.</summary>
    public static string StandardSignature(byte[] key, string id, long timestamp, string body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));

    private static void Add(List<KeyValuePair<string, string>> fields, string name, string? value)
    {
        if (value is not null)
        {
            fields.Add(new(name, value));
        }
    }
}
