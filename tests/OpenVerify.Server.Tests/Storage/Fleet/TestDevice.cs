using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.Server.Tests.Storage.Fleet;

/// <summary>
/// Just enough of a device (docs/protocol/device.md §2–§4) to enrol and answer challenges: a P-256 key,
/// the device JWT, the DER AuthPayload over the factor SID, and the approval JWT over the fields the
/// server names in <c>Twilio-Verify-Signature-Fields</c> plus <c>status</c>.
/// </summary>
internal sealed class TestDevice(string accountSid) : IDisposable
{
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string AccountSid { get; } = accountSid;

    public string PublicKey => P256PublicKey.Export(key);

    public string FactorSid { get; set; } = "";

    public string CredentialSid { get; set; } = "";

    /// <summary>Basic token:&lt;device JWT&gt;.</summary>
    public AuthenticationHeaderValue Authorization(TimeProvider clock)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var header = JsonSerializer.Serialize(new Dictionary<string, string> { ["cty"] = "twilio-pba;v=1", ["kid"] = CredentialSid, ["typ"] = "JWT", ["alg"] = "ES256" });
        var payload = JsonSerializer.Serialize(new Dictionary<string, object> { ["sub"] = AccountSid, ["exp"] = now + 600, ["nbf"] = now });
        var jwt = CompactJws.SignEs256(key, header, payload);
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("token:" + jwt)));
    }

    /// <summary>The verify-factor AuthPayload: standard base64 of a DER signature over the factor SID.</summary>
    public string FactorProof() => Convert.ToBase64String(Es256.SignDer(key, Encoding.UTF8.GetBytes(FactorSid)));

    /// <summary>The update-challenge AuthPayload for <paramref name="status"/>, from a fetched challenge.</summary>
    public string Answer(string challengeJson, string signatureFields, string status)
    {
        var body = JsonNode.Parse(challengeJson)!.AsObject();
        var payload = new JsonObject();
        foreach (var name in signatureFields.Split(','))
        {
            payload[name] = body[name]?.DeepClone();
        }

        payload["status"] = status;
        return CompactJws.SignEs256(key, """{"typ":"JWT","alg":"ES256"}""", payload.ToJsonString());
    }

    public void Dispose() => key.Dispose();
}
