namespace OpenVerify.Client;

/// <summary>One page of challenges.</summary>
/// <param name="Challenges">The challenges on this page.</param>
/// <param name="Metadata">Paging information; pass <see cref="ChallengeListMetadata.NextPageToken"/> back for the next page.</param>
public sealed record ChallengeList(IReadOnlyList<Challenge> Challenges, ChallengeListMetadata Metadata);
