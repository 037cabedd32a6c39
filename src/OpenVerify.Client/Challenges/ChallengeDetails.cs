namespace OpenVerify.Client;

/// <summary>What the challenge shows the user.</summary>
/// <param name="Message">The message, e.g. "Login request".</param>
/// <param name="Fields">Label/value lines; empty when the server sent none.</param>
/// <param name="Date">The optional date of the action.</param>
public sealed record ChallengeDetails(string Message, IReadOnlyList<ChallengeDetail> Fields, DateTimeOffset? Date);
