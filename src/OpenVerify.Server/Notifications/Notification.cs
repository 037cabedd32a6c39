namespace OpenVerify.Server.Notifications;

/// <summary>A request to (re-)send the push for a pending challenge.</summary>
public sealed class Notification
{
    /// <summary>NT SID.</summary>
    public string Sid { get; set; } = "";
    /// <summary>Owning account.</summary>
    public string AccountSid { get; set; } = "";
    /// <summary>Owning service.</summary>
    public string ServiceSid { get; set; } = "";
    /// <summary>Owning entity.</summary>
    public string EntitySid { get; set; } = "";
    /// <summary>The entity's identity.</summary>
    public string Identity { get; set; } = "";
    /// <summary>The challenge whose push is re-sent.</summary>
    public string ChallengeSid { get; set; } = "";
    /// <summary>Always <c>high</c> for push.</summary>
    public string Priority { get; set; } = "high";
    /// <summary>Seconds the push may wait for delivery, 0–300.</summary>
    public int Ttl { get; set; }
    /// <summary>Unix seconds.</summary>
    public long DateCreated { get; set; }
}
