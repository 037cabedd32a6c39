using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Delivery.Webhooks;

namespace OpenVerify.Server.Webhooks;

/// <summary>
/// The wire shape of a webhook delivery (an OpenVerify addition; Twilio has none). <c>state</c> is
/// <c>pending</c> (being tried or waiting for the next try), <c>delivered</c>, or <c>dead</c> (given up;
/// can be replayed).
/// </summary>
public sealed record WebhookDeliveryResource(
    long Id, string WebhookSid, string ServiceSid, string AccountSid, string Uuid, string Type, string EntityIdentity, string State, int Attempts,
    string? LastError, string DateCreated, string DateUpdated, string? NextAttemptDate, string? DateCompleted, string Url)
{
    /// <summary>Outbox state to wire state.</summary>
    public static string WireState(string state) => state switch
    {
        "done" => "delivered",
        _ => state,
    };

    /// <summary>Wire state to outbox state (null for an unknown one).</summary>
    public static string? StoreState(string wire) => wire switch
    {
        "pending" => "pending",
        "delivered" => "done",
        "dead" => "dead",
        _ => null,
    };

    /// <summary>Builds the resource with its absolute URL.</summary>
    public static WebhookDeliveryResource From(WebhookDelivery d, string root)
    {
        var job = WebhookJob.Parse(d.Payload);
        var e = job.Event;
        var updated = d.CompletedAt ?? d.LastAttemptAt ?? d.CreatedAt;
        return new WebhookDeliveryResource(
            d.Id, job.WebhookSid, e.ServiceSid, e.AccountSid, e.Uuid, e.Type, e.EntityIdentity, WireState(d.State), d.Attempts, d.LastError,
            Date(d.CreatedAt), Date(updated), d.State == "pending" ? Date(d.DueAt) : null, d.CompletedAt is { } done ? Date(done) : null,
            Http.VerifyUrls.Service(root, e.ServiceSid) + "/Webhooks/" + job.WebhookSid + "/Deliveries/" + d.Id);
    }

    private static string Date(long unixMs) => TwilioDate.ToWire(unixMs / 1000);
}
