using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenVerify.Protocol.Wire;

namespace OpenVerify.Protocol.Signing;

/// <summary>
/// A parsed compact JWS (<c>header.payload.signature</c>, base64url). Only ES256 is ever accepted:
/// the algorithm is fixed by the protocol, never chosen by the token (no <c>alg</c> confusion).
/// </summary>
public sealed class CompactJws : IDisposable
{
    private readonly byte[] signingInput;
    private readonly byte[] signature;

    private CompactJws(JsonDocument header, JsonDocument payload, byte[] signingInput, byte[] signature)
    {
        Header = header;
        Payload = payload;
        this.signingInput = signingInput;
        this.signature = signature;
    }

    /// <summary>The protected header.</summary>
    public JsonDocument Header { get; }

    /// <summary>The payload, which must be a JSON object.</summary>
    public JsonDocument Payload { get; }

    /// <summary>Longest compact JWS accepted; the push AuthPayload limit is 5456 characters.</summary>
    public const int MaxLength = 8192;

    /// <summary>
    /// Parses a compact JWS whose header and payload are JSON objects read by <see cref="StrictJson"/>
    /// (no duplicate members, bounded depth, every string decodable); false on anything else.
    /// </summary>
    public static bool TryParse(string? compact, out CompactJws jws)
    {
        jws = null!;
        if (string.IsNullOrEmpty(compact) || compact.Length > MaxLength)
        {
            return false;
        }

        var first = compact.IndexOf('.');
        var second = first < 0 ? -1 : compact.IndexOf('.', first + 1);
        if (first <= 0 || second < 0 || compact.IndexOf('.', second + 1) >= 0)
        {
            return false;
        }

        if (!Base64Url.TryDecode(compact[..first], out var headerBytes)
            || !Base64Url.TryDecode(compact[(first + 1)..second], out var payloadBytes)
            || !Base64Url.TryDecode(compact[(second + 1)..], out var signatureBytes))
        {
            return false;
        }

        if (!StrictJson.TryParse(headerBytes, out var header))
        {
            return false;
        }

        if (!StrictJson.TryParse(payloadBytes, out var payload)
            || header.RootElement.ValueKind != JsonValueKind.Object || payload.RootElement.ValueKind != JsonValueKind.Object)
        {
            header.Dispose();
            payload?.Dispose();
            return false;
        }

        jws = new CompactJws(header, payload, Encoding.ASCII.GetBytes(compact[..second]), signatureBytes);
        return true;
    }

    /// <summary>A string member of the header, or null.</summary>
    public string? HeaderString(string name) =>
        Header.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>
    /// True when the protected header is one this protocol signs: <c>alg</c> the string <c>ES256</c>;
    /// <c>typ</c>, when present, the string <c>JWT</c> (any case, RFC 7515 §4.1.9); <c>cty</c> absent or
    /// the string <paramref name="contentType"/>; and no <c>crit</c>, because no extension is understood
    /// here (RFC 7515 §4.1.11). Other members are ignored, as RFC 7515 §4 asks.
    /// </summary>
    public bool HasEs256Header(string? contentType = null)
    {
        var header = Header.RootElement;
        return HeaderString("alg") == "ES256"
            && (!header.TryGetProperty("typ", out var typ) || (typ.ValueKind == JsonValueKind.String && string.Equals(typ.GetString(), "JWT", StringComparison.OrdinalIgnoreCase)))
            && (!header.TryGetProperty("cty", out var cty) || (contentType is not null && cty.ValueKind == JsonValueKind.String && cty.GetString() == contentType))
            && !header.TryGetProperty("crit", out _);
    }

    /// <summary>True when the header says ES256 and the signature verifies with <paramref name="key"/>.</summary>
    public bool VerifyEs256(ECDsa key) =>
        HeaderString("alg") == "ES256" && Es256.VerifyRaw(key, signingInput, signature);

    /// <summary>Builds and signs a compact ES256 JWS from raw header and payload JSON.</summary>
    public static string SignEs256(ECDsa key, string headerJson, string payloadJson)
    {
        var input = Base64Url.Encode(Encoding.UTF8.GetBytes(headerJson)) + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(payloadJson));
        return input + "." + Base64Url.Encode(Es256.SignRaw(key, Encoding.ASCII.GetBytes(input)));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Header.Dispose();
        Payload.Dispose();
    }
}
