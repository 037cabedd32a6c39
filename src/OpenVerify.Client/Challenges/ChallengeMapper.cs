using System.Text.Json;
using OpenVerify.Protocol.Wire;

namespace OpenVerify.Client;

/// <summary>Reads challenge and challenge-list responses (docs/protocol/device.md §5.2, §5.3) as the Android SDK does.</summary>
internal static class ChallengeMapper
{
    public static Challenge FromJson(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw VerifyClientException.Mapper("A challenge is not a JSON object");
        }

        var details = JsonFields.RequiredObject(root, "details");
        return new Challenge(
            Sid: JsonFields.RequiredString(root, "sid"),
            ChallengeDetails: new ChallengeDetails(
                JsonFields.RequiredString(details, "message"),
                Fields(details),
                DetailsDate(details)),
            HiddenDetails: JsonFields.OptionalStringMap(root, "hidden_details"),
            FactorSid: JsonFields.RequiredString(root, "factor_sid"),
            Status: Status(JsonFields.RequiredString(root, "status")),
            CreatedAt: JsonFields.RequiredDate(root, "date_created"),
            UpdatedAt: JsonFields.RequiredDate(root, "date_updated"),
            ExpirationDate: JsonFields.RequiredDate(root, "expiration_date"))
        {
            NumberChoices = NumberChoices(root),
            DenialReason = JsonFields.OptionalString(root, "denial_reason"),
        };
    }

    /// <summary>OpenVerify's <c>number_choices</c>: an array of integers, or absent.</summary>
    private static int[]? NumberChoices(JsonElement root)
    {
        if (!root.TryGetProperty("number_choices", out var choices) || choices.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return choices.ValueKind == JsonValueKind.Array && choices.EnumerateArray().All(c => c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out _))
            ? choices.EnumerateArray().Select(c => c.GetInt32()).ToArray()
            : throw VerifyClientException.Mapper("number_choices must be an array of integers");
    }

    public static ChallengeList ListFromApi(string body)
    {
        using var document = JsonFields.ParseObject(body);
        var root = document.RootElement;
        if (!root.TryGetProperty("challenges", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw VerifyClientException.Mapper("Missing or invalid 'challenges' in the response");
        }

        // Note: one bad element fails the whole page, as in both SDKs.
        var challenges = items.EnumerateArray().Select(FromJson).ToList();
        var meta = JsonFields.RequiredObject(root, "meta");
        var metadata = new ChallengeListMetadata(
            JsonFields.RequiredInt(meta, "page"),
            JsonFields.RequiredInt(meta, "page_size"),
            PageToken.FromUrl(JsonFields.OptionalString(meta, "previous_page_url")),
            PageToken.FromUrl(JsonFields.OptionalString(meta, "next_page_url")));
        return new ChallengeList(challenges, metadata);
    }

    /// <summary>The wire string of a status.</summary>
    public static string ToWire(ChallengeStatus status) => status switch
    {
        ChallengeStatus.Pending => ChallengeStatuses.Pending,
        ChallengeStatus.Approved => ChallengeStatuses.Approved,
        ChallengeStatus.Denied => ChallengeStatuses.Denied,
        _ => ChallengeStatuses.Expired,
    };

    // Note: Android maps an unknown challenge status to expired.
    private static ChallengeStatus Status(string value) => value switch
    {
        ChallengeStatuses.Pending => ChallengeStatus.Pending,
        ChallengeStatuses.Approved => ChallengeStatus.Approved,
        ChallengeStatuses.Denied => ChallengeStatus.Denied,
        _ => ChallengeStatus.Expired,
    };

    private static List<ChallengeDetail> Fields(JsonElement details)
    {
        if (!details.TryGetProperty("fields", out var fields) || fields.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (fields.ValueKind != JsonValueKind.Array)
        {
            throw VerifyClientException.Mapper("'details.fields' is not an array");
        }

        return fields.EnumerateArray()
            .Select(field => field.ValueKind == JsonValueKind.Object
                && field.TryGetProperty("label", out var label)
                && field.TryGetProperty("value", out var value)
                    ? new ChallengeDetail(JsonFields.AsText(label, "details.fields"), JsonFields.AsText(value, "details.fields"))
                    : throw VerifyClientException.Mapper("A 'details.fields' item lacks label or value"))
            .ToList();
    }

    // Note: Android requires a non-empty details.date to parse; an empty or absent one is just no date.
    private static DateTimeOffset? DetailsDate(JsonElement details)
    {
        var text = JsonFields.OptionalString(details, "date");
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return TwilioDate.TryParse(text, out var date) ? date : throw VerifyClientException.Mapper("'details.date' is not an RFC 3339 date");
    }
}
