namespace OpenVerify.Client;

/// <summary>One label/value line of a challenge's details, shown to the user.</summary>
/// <param name="Label">The label.</param>
/// <param name="Value">The value.</param>
public sealed record ChallengeDetail(string Label, string Value);
