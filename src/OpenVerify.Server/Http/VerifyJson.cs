using System.Text.Encodings.Web;
using System.Text.Json;

namespace OpenVerify.Server.Http;

/// <summary>The JSON shape of every response: snake_case names, nulls written out (clients require the keys).</summary>
public static class VerifyJson
{
    /// <summary>Options used for every body the API writes.</summary>
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions());

    /// <summary>Applies the API's settings to an options instance (used for ASP.NET's JSON options too).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never;
        // Note: no HTML context here; the relaxed encoder keeps non-ASCII text readable.
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return options;
    }
}
