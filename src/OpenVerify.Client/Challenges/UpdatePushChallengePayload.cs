namespace OpenVerify.Client;

/// <summary>What <see cref="VerifyClient.UpdateChallengeAsync"/> needs to answer a challenge.</summary>
/// <param name="FactorSid">The local factor the challenge belongs to.</param>
/// <param name="ChallengeSid">The challenge SID, e.g. from the push's <c>challenge_sid</c>.</param>
/// <param name="Status">The answer: <see cref="ChallengeStatus.Approved"/> or <see cref="ChallengeStatus.Denied"/>.</param>
public sealed record UpdatePushChallengePayload(string FactorSid, string ChallengeSid, ChallengeStatus Status)
{
    /// <summary>
    /// OpenVerify number matching: the number the user picked from <see cref="Challenge.NumberChoices"/>,
    /// signed with the approval. Required to approve on a number-matching service; a wrong one denies.
    /// </summary>
    public int? Number { get; init; }

    /// <summary>OpenVerify deny-and-report: a denial that says "I did not request this" (signed; only with <see cref="ChallengeStatus.Denied"/>).</summary>
    public bool Report { get; init; }
}
