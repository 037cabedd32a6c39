namespace OpenVerify.Client;

/// <summary>
/// What an app expects to approve without showing any UI, because it knows the action was started
/// on this very device: an exact challenge SID, or a transaction id that the app backend put in
/// the challenge's hidden details. Anything else is refused (<see cref="VerifyClient.ApproveSilentlyAsync"/>).
/// </summary>
public sealed record SilentApproval
{
    private SilentApproval(string factorSid, string? challengeSid, string? hiddenDetailKey, string? hiddenDetailValue)
    {
        FactorSid = factorSid;
        ChallengeSid = challengeSid;
        HiddenDetailKey = hiddenDetailKey;
        HiddenDetailValue = hiddenDetailValue;
    }

    /// <summary>The local factor that must own the challenge.</summary>
    public string FactorSid { get; }

    /// <summary>The exact challenge expected, or null when matched by transaction.</summary>
    public string? ChallengeSid { get; }

    /// <summary>The hidden-details key that carries the transaction id (e.g. <c>transaction_id</c>), or null.</summary>
    public string? HiddenDetailKey { get; }

    /// <summary>The transaction id expected under <see cref="HiddenDetailKey"/>, or null.</summary>
    public string? HiddenDetailValue { get; }

    /// <summary>Expect exactly this challenge (e.g. the SID the app backend returned when the device started the action).</summary>
    public static SilentApproval ForChallenge(string factorSid, string challengeSid)
    {
        ArgumentException.ThrowIfNullOrEmpty(factorSid);
        ArgumentException.ThrowIfNullOrEmpty(challengeSid);
        return new SilentApproval(factorSid, challengeSid, null, null);
    }

    /// <summary>
    /// Expect the pending challenge whose <c>hidden_details[<paramref name="hiddenDetailKey"/>]</c>
    /// equals <paramref name="transactionId"/> (ordinal comparison).
    /// </summary>
    public static SilentApproval ForTransaction(string factorSid, string hiddenDetailKey, string transactionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(factorSid);
        ArgumentException.ThrowIfNullOrEmpty(hiddenDetailKey);
        ArgumentException.ThrowIfNullOrEmpty(transactionId);
        return new SilentApproval(factorSid, null, hiddenDetailKey, transactionId);
    }

    /// <summary>True when <paramref name="challenge"/> is the expected one (factor, SID and/or transaction).</summary>
    public bool Matches(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        if (!string.Equals(challenge.FactorSid, FactorSid, StringComparison.Ordinal))
        {
            return false;
        }

        if (ChallengeSid is not null && !string.Equals(challenge.Sid, ChallengeSid, StringComparison.Ordinal))
        {
            return false;
        }

        return HiddenDetailKey is null
            || (challenge.HiddenDetails is { } hidden
                && hidden.TryGetValue(HiddenDetailKey, out var value)
                && string.Equals(value, HiddenDetailValue, StringComparison.Ordinal));
    }
}
