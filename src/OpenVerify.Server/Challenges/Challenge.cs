namespace OpenVerify.Server.Challenges;

/// <summary>A challenge: a request for the device to approve or deny an action.</summary>
public sealed class Challenge
{
    /// <summary>Row id (creation order).</summary>
    public long Id { get; set; }
    /// <summary>YC SID.</summary>
    public string Sid { get; set; } = "";
    /// <summary>Owning account.</summary>
    public string AccountSid { get; set; } = "";
    /// <summary>Owning service.</summary>
    public string ServiceSid { get; set; } = "";
    /// <summary>Owning entity.</summary>
    public string EntitySid { get; set; } = "";
    /// <summary>The entity's identity.</summary>
    public string Identity { get; set; } = "";
    /// <summary>The factor that must answer.</summary>
    public string FactorSid { get; set; } = "";
    /// <summary>push.</summary>
    public string FactorType { get; set; } = "push";
    /// <summary>The stored status; a pending challenge past its expiry reads as expired.</summary>
    public string Status { get; set; } = "pending";
    /// <summary>none | not_needed | not_requested.</summary>
    public string RespondedReason { get; set; } = "none";
    /// <summary>details.message.</summary>
    public string Message { get; set; } = "";
    /// <summary>JSON array of {label, value}, or null.</summary>
    public string? Fields { get; set; }
    /// <summary>Whether details carry <c>date</c> (the service's Push.IncludeDate at creation).</summary>
    public bool IncludeDate { get; set; }
    /// <summary>JSON object of strings, or null.</summary>
    public string? HiddenDetails { get; set; }
    /// <summary>JSON object of strings sent by the device when answering, or null.</summary>
    public string? Metadata { get; set; }
    /// <summary>Unix seconds.</summary>
    public long DateCreated { get; set; }
    /// <summary>Unix seconds.</summary>
    public long DateUpdated { get; set; }
    /// <summary>Unix seconds, null until answered.</summary>
    public long? DateResponded { get; set; }
    /// <summary>Unix seconds.</summary>
    public long ExpirationDate { get; set; }
    /// <summary>Its factor's change number at its last change (the live channel's cursor; read by <see cref="Live.IChallengeChanges"/> only).</summary>
    public long ChangeSeq { get; set; }
}
