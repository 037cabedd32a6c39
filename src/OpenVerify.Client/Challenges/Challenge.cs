namespace OpenVerify.Client;

/// <summary>A challenge the server created for a factor of this device.</summary>
/// <param name="Sid">The challenge SID (<c>YC…</c>).</param>
/// <param name="ChallengeDetails">What the user is asked to approve.</param>
/// <param name="HiddenDetails">Details the app sees but the user does not (e.g. a transaction id); null when none.</param>
/// <param name="FactorSid">The factor the challenge was created for.</param>
/// <param name="Status">Pending, approved, denied or expired.</param>
/// <param name="CreatedAt">The server's <c>date_created</c>.</param>
/// <param name="UpdatedAt">The server's <c>date_updated</c>.</param>
/// <param name="ExpirationDate">When the challenge expires.</param>
public sealed record Challenge(
    string Sid,
    ChallengeDetails ChallengeDetails,
    IReadOnlyDictionary<string, string>? HiddenDetails,
    string FactorSid,
    ChallengeStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset ExpirationDate)
{
    /// <summary>
    /// OpenVerify number matching: the three numbers to offer the user, one of them the number the login
    /// screen shows; null when the service does not match numbers. Approve with the one the user picks
    /// (<see cref="UpdatePushChallengePayload.Number"/>).
    /// </summary>
    public IReadOnlyList<int>? NumberChoices { get; init; }

    /// <summary>OpenVerify: why a denied challenge was denied when not plainly (<c>wrong_number</c>, <c>reported</c>); else null.</summary>
    public string? DenialReason { get; init; }
}
