namespace OpenVerify.AppBackend.Logins;

/// <summary>
/// One "log in with push" attempt: the challenge sent to the user's device, keyed by the transaction
/// id the backend put in the challenge's hidden details. Decided once, by whichever of webhook and
/// polling learns the outcome first.
/// </summary>
public sealed class PushLogin(string transactionId, string username, string identity, string factorSid, string challengeSid, DateTimeOffset createdAt)
{
    private readonly object gate = new();
    private readonly TaskCompletionSource decided = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool sessionIssued;

    /// <summary>The backend's own id for this login (hidden details <c>transaction_id</c>).</summary>
    public string TransactionId { get; } = transactionId;

    /// <summary>Who is logging in.</summary>
    public string Username { get; } = username;

    /// <summary>Their identity at OpenVerify.</summary>
    public string Identity { get; } = identity;

    /// <summary>The device factor asked.</summary>
    public string FactorSid { get; } = factorSid;

    /// <summary>The challenge.</summary>
    public string ChallengeSid { get; } = challengeSid;

    /// <summary>When the challenge was created.</summary>
    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary><c>pending</c>, then <c>approved</c>, <c>denied</c> or <c>expired</c>.</summary>
    public string Status { get; private set; } = "pending";

    /// <summary><c>webhook</c> or <c>polling</c>: how the outcome was learnt; null while pending.</summary>
    public string? DecidedBy { get; private set; }

    /// <summary>Completes when the outcome is known.</summary>
    public Task Decided => decided.Task;

    /// <summary>True while no outcome is known.</summary>
    public bool IsPending => Status == "pending";

    /// <summary>Records the outcome; the first report wins, later ones (the other channel, a retry) change nothing.</summary>
    public bool Decide(string status, string decidedBy)
    {
        if (status == "pending")
        {
            return false;
        }

        lock (gate)
        {
            if (!IsPending)
            {
                return false;
            }

            Status = status;
            DecidedBy = decidedBy;
        }

        decided.TrySetResult();
        return true;
    }

    /// <summary>True exactly once for an approved login: the caller then starts the user's session.</summary>
    public bool TryIssueSession()
    {
        lock (gate)
        {
            if (Status != "approved" || sessionIssued)
            {
                return false;
            }

            sessionIssued = true;
            return true;
        }
    }
}
