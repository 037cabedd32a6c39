using System.Text.Json.Serialization;

namespace OpenVerify.Client;

/// <summary>The on-disk form of one encrypted private key (PKCS#8 DER under AES-256-GCM).</summary>
internal sealed record SealedKey(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("nonce")] string Nonce,
    [property: JsonPropertyName("ciphertext")] string Ciphertext,
    [property: JsonPropertyName("tag")] string Tag);

[JsonSerializable(typeof(SealedKey))]
internal sealed partial class KeyStoreJsonContext : JsonSerializerContext;
