using System.Text.Json;
using OpenVerify.Protocol.Errors;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Challenges;

/// <summary>CreateChallenge form rules (rest-api.md §2.5, service-behaviour.md §4: 60368 limits).</summary>
public static class ChallengeForms
{
    /// <summary>Longest details.message.</summary>
    public const int MaxMessage = 256;
    /// <summary>Most details.fields.</summary>
    public const int MaxFields = 20;
    /// <summary>Longest field label.</summary>
    public const int MaxLabel = 36;
    /// <summary>Longest field value.</summary>
    public const int MaxValue = 128;
    /// <summary>Longest HiddenDetails / Metadata JSON.</summary>
    public const int MaxJson = 1024;

    /// <summary>Reads details.message, details.fields and HiddenDetails into the challenge.</summary>
    public static void ReadDetails(VerifyForm form, Challenge challenge)
    {
        var message = form.Get("Details.Message");
        if (string.IsNullOrEmpty(message))
        {
            throw ErrorCatalogue.InvalidChallengeDetails("Details.Message is required for push factors");
        }

        if (message.Length > MaxMessage)
        {
            throw ErrorCatalogue.InvalidChallengeDetails($"Details.Message must be at most {MaxMessage} characters");
        }

        var fields = form.All("Details.Fields");
        if (fields.Count > MaxFields)
        {
            throw ErrorCatalogue.InvalidChallengeDetails($"at most {MaxFields} Details.Fields are allowed");
        }

        challenge.Message = message;
        challenge.Fields = fields.Count == 0 ? null : JsonSerializer.Serialize(fields.Select(ParseField).ToList(), VerifyJson.Options);
        var hidden = form.StringMap("HiddenDetails", MaxJson);
        challenge.HiddenDetails = hidden is null ? null : JsonSerializer.Serialize(hidden);
    }

    /// <summary>
    /// One <c>Details.Fields</c> element: a JSON object with <c>label</c> and <c>value</c>.
    /// Note: Twilio's C# helper serialises POCOs without renaming (<c>Label</c>/<c>Value</c>), so
    /// the names match case-insensitively; numbers and booleans become their text.
    /// </summary>
    private static ChallengeField ParseField(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                string? label = null, value = null;
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Name.Equals("label", StringComparison.OrdinalIgnoreCase))
                    {
                        label = Scalar(property.Value);
                    }
                    else if (property.Name.Equals("value", StringComparison.OrdinalIgnoreCase))
                    {
                        value = Scalar(property.Value);
                    }
                }

                if (label is { Length: > 0 and <= MaxLabel } && value is { Length: <= MaxValue })
                {
                    return new ChallengeField(label, value);
                }
            }
        }
        catch (JsonException)
        {
        }

        throw ErrorCatalogue.InvalidChallengeDetails($"each Details.Fields entry must be a JSON object with a label (1-{MaxLabel} characters) and a value (up to {MaxValue} characters)");
    }

    private static string? Scalar(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => null,
    };
}
