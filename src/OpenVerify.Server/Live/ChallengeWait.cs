using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Live;

/// <summary>
/// <c>WaitSeconds</c> on FetchChallenge, an OpenVerify extension: the backend's fetch answers as soon
/// as the challenge is no longer pending (answered on any instance, or expired), or after that many
/// seconds with it still pending. It holds no thread while it waits.
/// </summary>
public static class ChallengeWait
{
    /// <summary>The longest wait a request may ask for (below common proxy and client timeouts of 60 s).</summary>
    public const int MaxSeconds = 30;

    /// <summary>The query's <c>WaitSeconds</c> (0 to 30; else 60200), or null.</summary>
    public static int? Seconds(VerifyForm query) => query.Int("WaitSeconds", 0, MaxSeconds);

    /// <summary>The challenge once it is no longer pending, or as it is after <paramref name="seconds"/>.</summary>
    public static async Task<Challenge> UntilAnsweredAsync(
        Challenge challenge, int seconds, IChallengeStore challenges, ChallengeFeed feed, TimeProvider clock, CancellationToken cancellationToken)
    {
        var start = clock.GetUtcNow();
        if (seconds <= 0 || ChallengeRules.StatusAt(challenge, start.ToUnixTimeSeconds()) != ChallengeStatuses.Pending)
        {
            return challenge;
        }

        // Past its expiry it reads expired, so there is no point waiting longer than that.
        var expires = DateTimeOffset.FromUnixTimeSeconds(challenge.ExpirationDate);
        var deadline = start.AddSeconds(seconds);
        deadline = expires < deadline ? expires : deadline;
        using var subscription = await feed.SubscribeWaitAsync(challenge.FactorSid, cancellationToken);
        while (true)
        {
            // Read after subscribing: a change committed before is seen here, one committed after wakes us.
            var current = await challenges.FindAsync(challenge.ServiceSid, challenge.Identity, challenge.Sid, cancellationToken) ?? challenge;
            var now = clock.GetUtcNow();
            if (ChallengeRules.StatusAt(current, now.ToUnixTimeSeconds()) != ChallengeStatuses.Pending || now >= deadline)
            {
                return current;
            }

            await subscription.WaitAsync(deadline, clock, cancellationToken);
        }
    }
}
