using System.Text.Json;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Challenges;

/// <summary>CreateChallenge form rules (docs/protocol/rest-api.md §2.5, docs/protocol/service-behaviour.md §4: 60368 limits).</summary>
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

    /// <summary>Reads details.message, details.fields and HiddenDetails into the challenge (the message is required for push only).</summary>
    public static void ReadDetails(VerifyForm form, Challenge challenge, bool messageRequired = true)
    {
        var message = form.Get("Details.Message");
        if (!messageRequired)
        {
            message ??= "";
        }
        else if (string.IsNullOrEmpty(message))
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
        if (StrictJson.TryParse(json, out var document))
        {
            using (document)
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object && Field(document.RootElement) is { } field)
                {
                    return field;
                }
            }
        }

        throw ErrorCatalogue.InvalidChallengeDetails($"each Details.Fields entry must be a JSON object with one label (1-{MaxLabel} characters) and one value (up to {MaxValue} characters)");
    }

    /// <summary>
    /// The label and value of one entry, or null. Since the names match case-insensitively,
    /// <c>label</c> and <c>Label</c> together are a duplicate too: which one counts would be a guess.
    /// </summary>
    private static ChallengeField? Field(JsonElement entry)
    {
        string? label = null, value = null;
        bool sawLabel = false, sawValue = false;
        foreach (var property in entry.EnumerateObject())
        {
            if (property.Name.Equals("label", StringComparison.OrdinalIgnoreCase))
            {
                if (sawLabel)
                {
                    return null;
                }

                (sawLabel, label) = (true, Scalar(property.Value));
            }
            else if (property.Name.Equals("value", StringComparison.OrdinalIgnoreCase))
            {
                if (sawValue)
                {
                    return null;
                }

                (sawValue, value) = (true, Scalar(property.Value));
            }
        }

        return label is { Length: > 0 and <= MaxLabel } && value is { Length: <= MaxValue } ? new ChallengeField(label, value) : null;
    }

    private static string? Scalar(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => null,
    };
}
