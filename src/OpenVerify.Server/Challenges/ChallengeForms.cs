using System.Text.Json;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Sids;
using OpenVerify.Protocol.Signing;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Factors.Totp;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Challenges;

/// <summary>
/// CreateChallenge and UpdateChallenge forms, read into checked inputs (docs/protocol/rest-api.md §2.5,
/// docs/protocol/service-behaviour.md §4: 60368 limits); <see cref="ChallengesApi"/> applies them.
/// </summary>
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

    /// <summary>
    /// What a CreateChallenge request carries besides <c>FactorSid</c>, checked: when it expires, what the
    /// device shows, and for a totp factor the code (<c>AuthPayload</c>) that answers it at once.
    /// </summary>
    public sealed record CreateInput(DateTimeOffset ExpirationDate, Details Details, string? Code);

    /// <summary>
    /// <c>Details.Message</c>, <c>Details.Fields</c> and <c>HiddenDetails</c>, checked. The JSON
    /// members are the columns as stored.
    /// </summary>
    public sealed record Details(string Message, IReadOnlyList<ChallengeField> Fields, IReadOnlyDictionary<string, string>? HiddenDetails)
    {
        /// <summary>The fields as stored: a JSON array of {label, value}, or null for none.</summary>
        public string? FieldsJson => Fields.Count == 0 ? null : JsonSerializer.Serialize(Fields, VerifyJson.Options);

        /// <summary>The hidden details as stored: a JSON object of strings, or null.</summary>
        public string? HiddenDetailsJson => HiddenDetails is null ? null : JsonSerializer.Serialize(HiddenDetails);
    }

    /// <summary>What an UpdateChallenge request carries, checked: the device's (or backend's) answer and its metadata.</summary>
    public sealed record AnswerInput(string AuthPayload, IReadOnlyDictionary<string, string>? Metadata)
    {
        /// <summary>The metadata as stored: a JSON object of strings, or null.</summary>
        public string? MetadataJson => Metadata is null ? null : JsonSerializer.Serialize(Metadata);
    }

    // Note: Twilio documents 5456 characters for a push AuthPayload, but a challenge with the largest
    // details it allows signs to more than that; the server accepts what it can itself produce.
    private const int MaxAuthPayload = CompactJws.MaxLength;

    /// <summary>The required <c>FactorSid</c> of CreateChallenge (read first: the factor decides how the rest is read).</summary>
    public static string ReadFactorSid(VerifyForm form) =>
        form.Sid("FactorSid", SidPrefix.Factor) ?? throw ErrorCatalogue.MissingParameter("FactorSid");

    /// <summary>
    /// Reads the rest of a CreateChallenge form for a factor of <paramref name="factorType"/>, in this
    /// order: <c>ExpirationDate</c> (within <see cref="ChallengeRules.ExpirationOf"/>), the details
    /// (the message is required for push only), then for totp the code in <c>AuthPayload</c>, if any.
    /// </summary>
    public static CreateInput ReadCreate(VerifyForm form, string factorType, DateTimeOffset now, TimeSpan defaultExpiry, TimeSpan maxExpiry)
    {
        var expiration = ChallengeRules.ExpirationOf(form.Date("ExpirationDate"), now, defaultExpiry, maxExpiry);
        var isTotp = factorType == FactorTypes.Totp;
        var details = ReadDetails(form, messageRequired: !isTotp);
        var code = isTotp ? form.Text("AuthPayload", TotpCheck.MaxCodeLength, TotpCheck.MinCodeLength) : null;
        return new CreateInput(expiration, details, code);
    }

    /// <summary>Reads an UpdateChallenge form: the required <c>AuthPayload</c>, then <c>Metadata</c>.</summary>
    public static AnswerInput ReadAnswer(VerifyForm form) => new(
        form.Text("AuthPayload", MaxAuthPayload) ?? throw ErrorCatalogue.MissingParameter("AuthPayload"),
        form.StringMap("Metadata", MaxJson));

    /// <summary>
    /// The OpenVerify <c>Reported</c> field of a push answer, or null. Note: read only once the signature
    /// has been checked, as it always was, so a request with a bad signature answers 60324 first.
    /// </summary>
    public static bool? ReadReported(VerifyForm form) => form.Bool(PushFatigue.ReportField);

    /// <summary>Reads details.message, details.fields and HiddenDetails, in that order (the message is required for push only).</summary>
    public static Details ReadDetails(VerifyForm form, bool messageRequired = true)
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

        var parsed = fields.Select(ParseField).ToList();
        return new Details(message, parsed, form.StringMap("HiddenDetails", MaxJson));
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
