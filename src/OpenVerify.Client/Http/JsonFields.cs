using System.Text.Json;
using OpenVerify.Protocol.Wire;

namespace OpenVerify.Client;

/// <summary>Reads required and optional members of API JSON; anything missing or mistyped is a mapper error.</summary>
internal static class JsonFields
{
    /// <summary>Parses a 2xx body that must be a JSON object.</summary>
    public static JsonDocument ParseObject(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw VerifyClientException.Mapper("The response is not valid JSON", e);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw VerifyClientException.Mapper("The response is not a JSON object");
        }

        return document;
    }

    public static string RequiredString(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw VerifyClientException.Mapper($"Missing or invalid '{name}' in the response");

    public static JsonElement RequiredObject(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : throw VerifyClientException.Mapper($"Missing or invalid '{name}' in the response");

    public static int RequiredInt(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw VerifyClientException.Mapper($"Missing or invalid '{name}' in the response");

    public static DateTimeOffset RequiredDate(JsonElement parent, string name) =>
        TwilioDate.TryParse(RequiredString(parent, name), out var date)
            ? date
            : throw VerifyClientException.Mapper($"'{name}' is not an RFC 3339 date");

    public static string? OptionalString(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>
    /// An optional object of string values (<c>metadata</c>, <c>hidden_details</c>); null when absent or null.
    /// </summary>
    /// <remarks>Note: Android reads the values with getString, which turns numbers and booleans into text.</remarks>
    public static IReadOnlyDictionary<string, string>? OptionalStringMap(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw VerifyClientException.Mapper($"'{name}' is not a JSON object");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in value.EnumerateObject())
        {
            map[member.Name] = AsText(member.Value, name);
        }

        return map;
    }

    /// <summary>A scalar as text: strings as they are, numbers and booleans by their JSON text.</summary>
    public static string AsText(JsonElement value, string context) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => throw VerifyClientException.Mapper($"A value in '{context}' is not a string"),
    };
}
