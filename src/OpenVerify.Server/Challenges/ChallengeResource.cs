using System.Text.Json;
using System.Text.Json.Serialization;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Challenges;

/// <summary>The wire shape of a Challenge (<c>verify.v2.service.entity.challenge</c>).</summary>
public sealed record ChallengeResource(
    string Sid, string AccountSid, string ServiceSid, string EntitySid, string Identity, string FactorSid,
    string DateCreated, string DateUpdated, string? DateResponded, string ExpirationDate, string Status, string RespondedReason,
    Dictionary<string, object> Details, Dictionary<string, string>? HiddenDetails, Dictionary<string, string>? Metadata,
    string FactorType, string Url, Dictionary<string, string> Links)
{
    /// <summary>
    /// OpenVerify number matching, backend view only: the number to show next to the login. Left out
    /// (not null) when the service does not match numbers, so Twilio's wire stays as it was.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? NumberMatch { get; init; }

    /// <summary>OpenVerify number matching, device view only: the three numbers to offer (the device never sees which is right).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int[]? NumberChoices { get; init; }

    /// <summary>OpenVerify extension: why a denied challenge was denied when it was not a plain denial (<see cref="DenialReasons"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DenialReason { get; init; }

    /// <summary>
    /// Builds the resource as seen at <paramref name="now"/> (a pending challenge past expiry reads expired),
    /// by a backend or, with <paramref name="forDevice"/>, by the factor's device.
    /// </summary>
    public static ChallengeResource From(Challenge c, long now, string root, bool forDevice = false)
    {
        var url = VerifyUrls.Entity(root, c.ServiceSid, c.Identity) + "/Challenges/" + c.Sid;
        return new ChallengeResource(
            c.Sid, c.AccountSid, c.ServiceSid, c.EntitySid, c.Identity, c.FactorSid,
            TwilioDate.ToWire(c.DateCreated), TwilioDate.ToWire(c.DateUpdated),
            c.DateResponded is { } responded ? TwilioDate.ToWire(responded) : null,
            TwilioDate.ToWire(c.ExpirationDate), ChallengeRules.StatusAt(c, now), c.RespondedReason,
            DetailsOf(c), Map(c.HiddenDetails), Map(c.Metadata), c.FactorType, url,
            new Dictionary<string, string> { ["notifications"] = url + "/Notifications" })
        {
            NumberMatch = forDevice ? null : c.NumberMatch,
            NumberChoices = forDevice && c.NumberChoices is not null ? JsonSerializer.Deserialize<int[]>(c.NumberChoices) : null,
            DenialReason = c.DenialReason,
        };
    }

    /// <summary>
    /// <c>details</c>: message, fields, and <c>date</c> only when the service asked for it. Note:
    /// the key is left out rather than null, because Android reads a null date as the text "null"
    /// and then fails to parse it.
    /// </summary>
    private static Dictionary<string, object> DetailsOf(Challenge c)
    {
        var details = new Dictionary<string, object>
        {
            ["message"] = c.Message,
            ["fields"] = c.Fields is null ? new List<ChallengeField>() : JsonSerializer.Deserialize<List<ChallengeField>>(c.Fields, VerifyJson.Options)!,
        };
        if (c.IncludeDate)
        {
            details["date"] = TwilioDate.ToWire(c.DateCreated);
        }

        return details;
    }

    private static Dictionary<string, string>? Map(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(json);
}

/// <summary>One entry of <c>details.fields</c>.</summary>
public sealed record ChallengeField(string Label, string Value);
