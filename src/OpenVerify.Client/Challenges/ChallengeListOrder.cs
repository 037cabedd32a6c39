namespace OpenVerify.Client;

/// <summary>The order of a challenge list, by creation date.</summary>
public enum ChallengeListOrder
{
    /// <summary>Oldest first.</summary>
    Asc,

    /// <summary>Newest first.</summary>
    Desc,
}
