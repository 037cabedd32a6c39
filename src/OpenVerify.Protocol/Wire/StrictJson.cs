using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace OpenVerify.Protocol.Wire;

/// <summary>
/// JSON as the protocol reads it from the other side: RFC 8259 without comments or trailing commas,
/// at most <see cref="MaxDepth"/> levels deep, and no object that names a member twice. Duplicates are
/// refused because readers disagree about them: one keeps the first value, another the last, so a
/// signed <c>{"status":"denied","status":"approved"}</c> would say one thing to whoever checks it and
/// another to whoever acts on it (RFC 7515 §5.2 and RFC 7519 §4 ask to reject such a JWS).
/// Every string must also decode: <see cref="JsonDocument"/> accepts invalid UTF-8 and escaped lone
/// surrogates (<c>"\ud800"</c>) and only throws when the string is read, long after parsing.
/// Note: <c>JsonDocumentOptions.AllowDuplicateProperties</c> exists only from .NET 10 and this
/// assembly also targets net8.0, so the check is a walk of the parsed document, the same everywhere.
/// </summary>
public static class StrictJson
{
    /// <summary>
    /// Deepest nesting accepted (the root object counts as one level). The deepest the protocol sends
    /// is four: an approval payload's <c>details.fields[i].label</c>.
    /// </summary>
    public const int MaxDepth = 16;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth };

    /// <summary>Parses UTF-8 JSON text; false when it is not JSON, too deep, names a member twice or has a string that does not decode.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> utf8, [NotNullWhen(true)] out JsonDocument? document) =>
        Checked(() => JsonDocument.Parse(utf8, Options), out document);

    /// <summary>Parses JSON text; false when it is not JSON, too deep, names a member twice or has a string that does not decode.</summary>
    public static bool TryParse(string json, [NotNullWhen(true)] out JsonDocument? document) =>
        Checked(() => JsonDocument.Parse(json, Options), out document);

    /// <summary>No object names a member twice (compared unescaped, ordinal) and every string decodes.</summary>
    private static bool IsStrict(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!names.Add(property.Name) || !IsStrict(property.Value))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (!IsStrict(item))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.String:
                _ = element.GetString();
                return true;
            default:
                return true;
        }
    }

    private static bool Checked(Func<JsonDocument> parse, [NotNullWhen(true)] out JsonDocument? document)
    {
        document = null;
        try
        {
            document = parse();
            if (IsStrict(document.RootElement))
            {
                return true;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            // Not JSON (JsonException), a string that does not decode (InvalidOperationException), or
            // text with a lone surrogate that cannot become UTF-8 (ArgumentException).
        }

        document?.Dispose();
        document = null;
        return false;
    }
}
