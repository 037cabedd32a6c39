using System.Security.Cryptography;
using System.Text;
using Twilio.Security;

namespace OpenVerify.Server.Tests.Delivery.Webhooks;

/// <summary>Checks a received webhook the way a receiver would.</summary>
public static class Signatures
{
    /// <summary>Twilio's own helper (Twilio 8.2.0) accepts X-Twilio-Signature for the URL and form as received.</summary>
    public static bool TwilioAccepts(ReceivedRequest request, string authToken) =>
        new RequestValidator(authToken).Validate(request.Url, request.Form.ToDictionary(f => f.Key, f => f.Value), request.Headers["X-Twilio-Signature"]);

    /// <summary>The Standard Webhooks check: HMAC-SHA256 over "{id}.{timestamp}.{body}" with the whsec_ secret.</summary>
    public static bool StandardWebhooksAccepts(ReceivedRequest request, string secret)
    {
        var id = request.Headers["webhook-id"];
        var timestamp = request.Headers["webhook-timestamp"];
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{request.Body}")));
        return request.Headers["webhook-signature"].Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), Encoding.ASCII.GetBytes(expected)));
    }
}
