namespace OpenVerify.Server.Accounts;

/// <summary>An account: the tenant every resource belongs to. Its auth token also signs webhooks.</summary>
public sealed class Account
{
    /// <summary>AC SID.</summary>
    public string Sid { get; set; } = "";
    /// <summary>The secret half of Basic auth (and the webhook signing key).</summary>
    public string AuthToken { get; set; } = "";
    /// <summary>A label for people.</summary>
    public string FriendlyName { get; set; } = "";
    /// <summary>Unix seconds.</summary>
    public long DateCreated { get; set; }
}

/// <summary>An API key (SK…): an alternative Basic credential for its account. Only a hash of the secret is kept.</summary>
public sealed class ApiKey
{
    /// <summary>SK SID.</summary>
    public string Sid { get; set; } = "";
    /// <summary>The account it acts for.</summary>
    public string AccountSid { get; set; } = "";
    /// <summary>SHA-256 of the secret, hex.</summary>
    public string SecretHash { get; set; } = "";
    /// <summary>A label for people.</summary>
    public string FriendlyName { get; set; } = "";
    /// <summary>Unix seconds.</summary>
    public long DateCreated { get; set; }
}
