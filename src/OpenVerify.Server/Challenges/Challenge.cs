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
    /// <summary>OpenVerify number matching: the number (10–99) the backend shows next to the login, or null.</summary>
    public int? NumberMatch { get; set; }
    /// <summary>JSON array of the three numbers the device offers (one is <see cref="NumberMatch"/>), or null.</summary>
    public string? NumberChoices { get; set; }
    /// <summary>Why it was denied, when not a plain denial: <c>wrong_number</c> or <c>reported</c> (<see cref="DenialReasons"/>).</summary>
    public string? DenialReason { get; set; }
    /// <summary>Its factor's change number at its last change (the live channel's cursor; read by <see cref="Live.IChallengeChanges"/> only).</summary>
    public long ChangeSeq { get; set; }
}

/// <summary>Values of <see cref="Challenge.DenialReason"/> (OpenVerify extension <c>denial_reason</c>).</summary>
public static class DenialReasons
{
    /// <summary>The device approved with a number other than the one the backend showed.</summary>
    public const string WrongNumber = "wrong_number";
    /// <summary>The user denied with "I did not request this".</summary>
    public const string Reported = "reported";
}
