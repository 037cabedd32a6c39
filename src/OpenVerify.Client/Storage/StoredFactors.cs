using System.Text.Json.Serialization;

namespace OpenVerify.Client;

/// <summary>The on-disk form of a <see cref="FileFactorStore"/>: every factor plus the clock correction.</summary>
internal sealed class StoredFactors
{
    public int Version { get; set; } = 1;

    public long TimeCorrection { get; set; }

    public List<StoredFactor> Factors { get; set; } = [];
}

/// <summary>One factor on disk; kept apart from <see cref="Factor"/> so the file format does not follow API changes.</summary>
internal sealed class StoredFactor
{
    public string Sid { get; set; } = "";
    public string FriendlyName { get; set; } = "";
    public string AccountSid { get; set; } = "";
    public string ServiceSid { get; set; } = "";
    public string Identity { get; set; } = "";
    public string Type { get; set; } = "push";
    public string Status { get; set; } = "";
    public string DateCreated { get; set; } = "";
    public string CredentialSid { get; set; } = "";
    public string NotificationPlatform { get; set; } = "";
    public string KeyAlias { get; set; } = "";
    public Dictionary<string, string>? Metadata { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(StoredFactors))]
internal sealed partial class FactorStoreJsonContext : JsonSerializerContext;
