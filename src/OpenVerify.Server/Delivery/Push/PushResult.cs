namespace OpenVerify.Server.Delivery.Push;

/// <summary>What FCM or APNs made of one send.</summary>
public sealed record PushResult(PushResultKind Kind, string Detail, TimeSpan? RetryAfter = null)
{
    /// <summary>Accepted by the platform.</summary>
    public static PushResult Sent(string detail) => new(PushResultKind.Sent, detail);

    /// <summary>Timeout, 429 or 5xx: try again, not before <paramref name="retryAfter"/> if given.</summary>
    public static PushResult Transient(string detail, TimeSpan? retryAfter = null) => new(PushResultKind.Transient, detail, retryAfter);

    /// <summary>Will never succeed as it is (bad credential, bad request): do not retry.</summary>
    public static PushResult Permanent(string detail) => new(PushResultKind.Permanent, detail);

    /// <summary>The device token is unregistered or invalid: do not retry, and stop using it.</summary>
    public static PushResult BadToken(string detail) => new(PushResultKind.BadToken, detail);
}

/// <summary>The kinds of <see cref="PushResult"/>.</summary>
public enum PushResultKind
{
    /// <summary>Accepted.</summary>
    Sent,
    /// <summary>Retry.</summary>
    Transient,
    /// <summary>Give up.</summary>
    Permanent,
    /// <summary>Give up and invalidate the token.</summary>
    BadToken,
}
