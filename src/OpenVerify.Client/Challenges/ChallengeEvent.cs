namespace OpenVerify.Client;

/// <summary>What <see cref="VerifyClient.WatchChallengesAsync"/> reports.</summary>
public enum ChallengeEventKind
{
    /// <summary>A challenge waiting for an answer: pending when the watch started, or new since.</summary>
    Pending,

    /// <summary>A challenge was approved, denied or expired.</summary>
    Updated,
}

/// <summary>One change of a factor's challenges.</summary>
/// <param name="Kind">Pending or updated.</param>
/// <param name="Challenge">The challenge as it is after the change.</param>
/// <param name="FromStream">True when it came over the server's live event stream (an OpenVerify extension); false when found by polling.</param>
public sealed record ChallengeEvent(ChallengeEventKind Kind, Challenge Challenge, bool FromStream);
