namespace OpenVerify.Client;

/// <summary>What <see cref="VerifyClient.GetAllChallengesAsync"/> lists.</summary>
/// <param name="FactorSid">The local factor whose challenges are listed.</param>
/// <param name="PageSize">How many challenges per page.</param>
/// <param name="Status">Only challenges in this status; null for all.</param>
/// <param name="Order">Order by creation date.</param>
/// <param name="PageToken">A page token from a previous <see cref="ChallengeListMetadata"/>; null for the first page.</param>
public sealed record ChallengeListPayload(
    string FactorSid,
    int PageSize,
    ChallengeStatus? Status = null,
    ChallengeListOrder Order = ChallengeListOrder.Asc,
    string? PageToken = null);
