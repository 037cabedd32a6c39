using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenVerify.Protocol.Signing;
using OpenVerify.Protocol.Wire;

namespace OpenVerify.Bench;

/// <summary>
/// One enrolled push factor, signing like the SDKs (device-protocol.md §2, §4) with the Protocol helpers.
/// Note: the SDKs sign a fresh device JWT for every request; the load generator reuses one for a
/// few minutes (it lives 10) so its CPU goes to the server. The server still verifies every request.
/// </summary>
internal sealed class Device(int index, ECDsa key)
{
    private static readonly TimeSpan Reuse = TimeSpan.FromMinutes(4);
    private AuthenticationHeaderValue? auth;
    private long signedAt;

    public int Index { get; } = index;
    public ECDsa Key { get; } = key;
    public string Identity { get; } = "bench-user-" + index.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    public string FactorSid { get; set; } = "";
    public string CredentialSid { get; set; } = "";
    public string AccountSid { get; set; } = "";
    public string? CreateBody { get; set; }

    public static Device Create(int index) => new(index, ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public string PublicKey => P256PublicKey.Export(Key);

    /// <summary>The Basic <c>token:&lt;device JWT&gt;</c> header, re-signed when older than a few minutes.</summary>
    public AuthenticationHeaderValue Authorization(TimeProvider clock)
    {
        var current = auth;
        if (current is not null && Stopwatch.GetElapsedTime(signedAt) < Reuse)
        {
            return current;
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var header = $$"""{"cty":"{{DeviceJwt.ContentType}}","kid":"{{CredentialSid}}","typ":"JWT","alg":"ES256"}""";
        var payload = $$"""{"sub":"{{AccountSid}}","exp":{{now + (long)DeviceJwt.Lifetime.TotalSeconds}},"nbf":{{now}}}""";
        var jwt = CompactJws.SignEs256(Key, header, payload);
        current = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(DeviceJwt.BasicUser + ":" + jwt)));
        auth = current;
        signedAt = Stopwatch.GetTimestamp();
        return current;
    }

    /// <summary>
    /// The approval AuthPayload: every field the server listed in Twilio-Verify-Signature-Fields,
    /// copied from the response as JSON, then the requested status (device-protocol.md §4 step 2).
    /// </summary>
    public string SignApproval(JsonElement challenge, string signatureFields, string status)
    {
        using var buffer = new MemoryStream(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var name in signatureFields.Split(','))
            {
                writer.WritePropertyName(name);
                (challenge.TryGetProperty(name, out var value) ? value : throw new InvalidOperationException($"signature field {name} missing from the challenge")).WriteTo(writer);
            }

            writer.WriteString("status", status);
            writer.WriteEndObject();
        }

        return CompactJws.SignEs256(Key, """{"typ":"JWT","alg":"ES256"}""", Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>The verify-factor AuthPayload: base64 DER ECDSA over the factor SID (device-protocol.md §3.3).</summary>
    public string SignFactorSid() => Convert.ToBase64String(Es256.SignDer(Key, Encoding.UTF8.GetBytes(FactorSid)));
}
