namespace OpenVerify.Server.Entities;

/// <summary>An entity: one user of the app, known by an identity the app chose (not PII).</summary>
public sealed class Entity
{
    /// <summary>Row id (creation order).</summary>
    public long Id { get; set; }
    /// <summary>YE SID.</summary>
    public string Sid { get; set; } = "";
    /// <summary>Owning account.</summary>
    public string AccountSid { get; set; } = "";
    /// <summary>Owning service.</summary>
    public string ServiceSid { get; set; } = "";
    /// <summary>The app's id for the user; entities are addressed by it.</summary>
    public string Identity { get; set; } = "";
    /// <summary>Unix seconds.</summary>
    public long DateCreated { get; set; }
    /// <summary>Unix seconds.</summary>
    public long DateUpdated { get; set; }
}
