namespace OpenVerify.Server.AccessTokens;

/// <summary>
/// An enrolment access token: lets one device create one push factor for one identity of one
/// service, within its TTL. The wire token is <c>{YK sid}.{secret}</c>; the secret is compared in
/// constant time and the token is spent by the factor it creates.
/// </summary>
public sealed class AccessToken
{
    /// <summary>YK SID.</summary>
    public string Sid { get; set; } = "";
    /// <summary>Owning account.</summary>
    public string AccountSid { get; set; } = "";
    /// <summary>The service it enrols into.</summary>
    public string ServiceSid { get; set; } = "";
    /// <summary>The identity it enrols.</summary>
    public string Identity { get; set; } = "";
    /// <summary>push.</summary>
    public string FactorType { get; set; } = "push";
    /// <summary>Name for the factor, if the backend chose one.</summary>
    public string? FactorFriendlyName { get; set; }
    /// <summary>256 random bits, base64url.</summary>
    public string Secret { get; set; } = "";
    /// <summary>Seconds, 60–300.</summary>
    public int Ttl { get; set; }
    /// <summary>Unix seconds.</summary>
    public long DateCreated { get; set; }
    /// <summary>Unix seconds.</summary>
    public long ExpiresAt { get; set; }
    /// <summary>Unix seconds when a factor was created with it, else null.</summary>
    public long? ConsumedAt { get; set; }

    /// <summary>The token string the device sends as its Basic password.</summary>
    public string Token => Sid + "." + Secret;
}
