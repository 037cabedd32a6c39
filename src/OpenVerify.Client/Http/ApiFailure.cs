using System.Globalization;
using System.Text.Json;

namespace OpenVerify.Client;

/// <summary>
/// A non-2xx answer, with the Twilio error body <c>{code, message, more_info, status}</c> when it had one.
/// </summary>
internal sealed record ApiFailure(int StatusCode, int? Code, string? Message, string? MoreInfo, string? DateHeader)
{
    public string Describe() =>
        Code is { } code
            ? $"Exception while calling the API: HTTP {StatusCode}, error {code}: {Message}"
            : $"Exception while calling the API: HTTP {StatusCode}";

    /// <summary>Reads the error body leniently: a missing or malformed body only loses the Twilio code.</summary>
    public static ApiFailure Read(int statusCode, string body, string? dateHeader)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new ApiFailure(statusCode, null, null, null, dateHeader);
            }

            return new ApiFailure(statusCode, ReadCode(root), ReadString(root, "message"), ReadString(root, "more_info"), dateHeader);
        }
        catch (JsonException)
        {
            return new ApiFailure(statusCode, null, null, null, dateHeader);
        }
    }

    // Note: Android reads code with getString (a number or a numeric string); iOS needs an integer.
    private static int? ReadCode(JsonElement root)
    {
        if (!root.TryGetProperty("code", out var code))
        {
            return null;
        }

        return code.ValueKind switch
        {
            JsonValueKind.Number when code.TryGetInt32(out var n) => n,
            JsonValueKind.String when int.TryParse(code.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        };
    }

    private static string? ReadString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
