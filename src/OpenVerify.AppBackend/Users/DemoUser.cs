namespace OpenVerify.AppBackend.Users;

/// <summary>
/// A user of the sample app. <see cref="Id"/> is the app's own opaque, stable user id: it is what
/// OpenVerify knows the user by (the entity identity), never the user name, e-mail or phone number.
/// </summary>
public sealed class DemoUser
{
    /// <summary>What the user signs in with.</summary>
    public string Username { get; set; } = "";

    /// <summary>The demo password (a real app keeps a password hash, or signs users in some other way).</summary>
    public string Password { get; set; } = "";

    /// <summary>The stable, non-PII user id; 8–64 characters of <c>A-Z a-z 0-9 - _</c> (an identity must be URL-safe).</summary>
    public string Id { get; set; } = "";

    /// <summary>The two demo users used when none are configured.</summary>
    public static IReadOnlyList<DemoUser> Defaults { get; } =
    [
        new() { Username = "alice", Password = "alice-demo", Id = "usr-4c1f0b6e9a2d47d3b8e5f1a7c9d3e2b0" },
        new() { Username = "bob", Password = "bob-demo", Id = "usr-9e8d7c6b5a4f43e2a1b0c9d8e7f6a5b4" },
    ];
}
