using System.Text.Encodings.Web;
using System.Text.Json;
using OpenVerify.Protocol.Wire;

namespace OpenVerify.Client;

/// <summary>Builds the device JWT that authenticates every call but create (docs/protocol/device.md §2).</summary>
internal sealed class DeviceJwtSigner(IKeyStore keys, DeviceClock clock)
{
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Header <c>{cty, kid, typ, alg}</c> and payload <c>{sub, exp, nbf}</c> in Android's key order,
    /// integer seconds from the corrected clock, signed raw r‖s with the factor's key.
    /// </summary>
    public async Task<string> SignAsync(Factor factor, CancellationToken cancellationToken)
    {
        var now = await clock.NowAsync(cancellationToken).ConfigureAwait(false);
        var header = Json(w =>
        {
            w.WriteString("cty", DeviceJwt.ContentType);
            w.WriteString("kid", factor.CredentialSid);
            w.WriteString("typ", "JWT");
            w.WriteString("alg", "ES256");
        });
        // Note: the SDKs send nbf = now and no iat/iss/aud/jti.
        var payload = Json(w =>
        {
            w.WriteString("sub", factor.AccountSid);
            w.WriteNumber("exp", now + (long)DeviceJwt.Lifetime.TotalSeconds);
            w.WriteNumber("nbf", now);
        });
        return await JwsSigner.SignAsync(keys, factor.KeyAlias, header, payload, cancellationToken).ConfigureAwait(false);
    }

    internal static byte[] Json(Action<Utf8JsonWriter> writeMembers)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writeMembers(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
