using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OpenVerify.Server.Delivery.Push;

/// <summary>
/// The push bodies of docs/protocol/device.md §6. With <c>hideMessage</c> only SIDs travel through
/// Google or Apple; the app fetches the challenge over TLS.
/// </summary>
public static class PushPayloads
{
    /// <summary>The value of the <c>type</c> key the sample apps look for.</summary>
    public const string ChallengeType = "verify_push_challenge";

    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The FCM HTTP v1 request body: a data message, Android priority high, TTL as left, collapsed per challenge.</summary>
    public static string Fcm(PushJob job, bool hideMessage, TimeSpan ttl)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Writer))
        {
            w.WriteStartObject();
            w.WriteStartObject("message");
            w.WriteString("token", job.Token);
            w.WriteStartObject("data");
            w.WriteString("type", ChallengeType);
            w.WriteString("challenge_sid", job.ChallengeSid);
            w.WriteString("factor_sid", job.FactorSid);
            if (!hideMessage)
            {
                w.WriteString("message", job.Message);
            }

            w.WriteEndObject();
            w.WriteStartObject("android");
            w.WriteString("priority", "high");
            w.WriteString("ttl", Math.Max(0, (long)ttl.TotalSeconds) + "s");
            // A re-send (or an at-least-once duplicate) replaces the earlier message of the same challenge.
            w.WriteString("collapse_key", job.ChallengeSid);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The APNs payload: top-level SIDs and type, <c>aps.alert.body</c>, <c>mutable-content</c> 1.</summary>
    public static string Apns(PushJob job, bool hideMessage, string hiddenAlert)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Writer))
        {
            w.WriteStartObject();
            w.WriteStartObject("aps");
            w.WriteStartObject("alert");
            w.WriteString("body", hideMessage ? hiddenAlert : job.Message);
            w.WriteEndObject();
            w.WriteNumber("mutable-content", 1);
            w.WriteEndObject();
            w.WriteString("type", ChallengeType);
            w.WriteString("challenge_sid", job.ChallengeSid);
            w.WriteString("factor_sid", job.FactorSid);
            if (!hideMessage)
            {
                w.WriteString("message", job.Message);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
