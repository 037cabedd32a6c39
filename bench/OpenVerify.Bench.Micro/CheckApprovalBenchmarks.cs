using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using OpenVerify.Protocol.Signing;
using OpenVerify.Server.Auth;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Http;

namespace OpenVerify.Bench.Micro;

/// <summary>
/// Challenges/ChallengeRules.CheckApproval on a signed approval of a realistic challenge (two detail
/// fields, hidden details), and the signature-fields comparison on its own.
/// </summary>
[MemoryDiagnoser]
public class CheckApprovalBenchmarks
{
    private string authPayload = "";
    private string publicKey = "";
    private ChallengeResource shown = null!;
    private readonly PublicKeys keys = new();
    private string payloadJson = "";

    [GlobalSetup]
    public void Setup()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        publicKey = P256PublicKey.Export(key);
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        var challenge = new Challenge
        {
            Id = 1, Sid = "YC0123456789abcdef0123456789abcdef", AccountSid = "AC0123456789abcdef0123456789abcdef",
            ServiceSid = "VA0123456789abcdef0123456789abcdef", EntitySid = "YE0123456789abcdef0123456789abcdef", Identity = "bench-user-000001",
            FactorSid = "YF0123456789abcdef0123456789abcdef", Message = "Log in to OpenVerify bench?",
            Fields = """[{"label":"Location","value":"Lisbon, PT"},{"label":"IP","value":"203.0.113.7"}]""",
            HiddenDetails = """{"request_id":"bench"}""", DateCreated = now, DateUpdated = now, ExpirationDate = now + 300,
        };
        shown = ChallengeResource.From(challenge, now, "http://127.0.0.1:5000");

        // What the device signs: each advertised field copied from the response JSON, then the status.
        var response = JsonSerializer.SerializeToElement(shown, VerifyJson.Options);
        var payload = new JsonObject();
        foreach (var name in ChallengeRules.SignatureFields.Split(','))
        {
            payload[name] = JsonNode.Parse(response.GetProperty(name).GetRawText());
        }

        payload["status"] = "approved";
        payloadJson = payload.ToJsonString();
        authPayload = CompactJws.SignEs256(key, """{"typ":"JWT","alg":"ES256"}""", payloadJson);
        if (ChallengeRules.CheckApproval(authPayload, publicKey, shown, keys) != "approved")
        {
            throw new InvalidOperationException("setup");
        }
    }

    /// <summary>The whole check: parse, key import, ES256 verification, field comparison.</summary>
    [Benchmark(Baseline = true)]
    public string CheckApproval() => ChallengeRules.CheckApproval(authPayload, publicKey, shown, keys);

    /// <summary>
    /// The comparison part of CheckApproval as written there (payload re-parsed into JsonNode, the
    /// resource serialised to a JsonNode, DeepEquals per field), without the cryptography.
    /// </summary>
    [Benchmark]
    public bool SignatureFieldsOnly()
    {
        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(payloadJson));
        var signed = JsonNode.Parse(document.RootElement.GetRawText())!.AsObject();
        var expected = JsonSerializer.SerializeToNode(shown, VerifyJson.Options)!.AsObject();
        foreach (var name in ChallengeRules.SignatureFields.Split(','))
        {
            if (!signed.TryGetPropertyValue(name, out var value) || !JsonNode.DeepEquals(value, expected[name]))
            {
                return false;
            }
        }

        return true;
    }
}
