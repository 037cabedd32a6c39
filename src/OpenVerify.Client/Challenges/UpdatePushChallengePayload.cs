namespace OpenVerify.Client;

/// <summary>What <see cref="VerifyClient.UpdateChallengeAsync"/> needs to answer a challenge.</summary>
/// <param name="FactorSid">The local factor the challenge belongs to.</param>
/// <param name="ChallengeSid">The challenge SID, e.g. from the push's <c>challenge_sid</c>.</param>
/// <param name="Status">The answer: <see cref="ChallengeStatus.Approved"/> or <see cref="ChallengeStatus.Denied"/>.</param>
public sealed record UpdatePushChallengePayload(string FactorSid, string ChallengeSid, ChallengeStatus Status);
