namespace OpenVerify.Client;

/// <summary>Paging information of a challenge list.</summary>
/// <param name="Page">The page number (starts at zero).</param>
/// <param name="PageSize">The page size the server used.</param>
/// <param name="PreviousPageToken">The token of the previous page, or null.</param>
/// <param name="NextPageToken">The token of the next page, or null on the last page.</param>
public sealed record ChallengeListMetadata(int Page, int PageSize, string? PreviousPageToken, string? NextPageToken);
