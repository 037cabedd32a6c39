using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Challenges;
using static OpenVerify.Server.Tests.Infrastructure.FormInput;

namespace OpenVerify.Server.Tests.Challenges;

/// <summary>The challenge state machine and its expiry bounds, without a server.</summary>
[StorageFree]
public sealed class ChallengeRulesTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly TimeSpan Default = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(60);

    [Fact]
    public void Without_a_requested_expiry_the_default_applies()
    {
        Assert.Equal(Now + Default, ChallengeRules.ExpirationOf(null, Now, Default, Max));
    }

    [Fact]
    public void A_requested_expiry_must_be_in_the_future_and_within_the_maximum_and_five_seconds_of_grace()
    {
        Assert.Equal(Now.AddSeconds(1), ChallengeRules.ExpirationOf(Now.AddSeconds(1), Now, Default, Max));
        Assert.Equal(Now + Max + TimeSpan.FromSeconds(5), ChallengeRules.ExpirationOf(Now + Max + TimeSpan.FromSeconds(5), Now, Default, Max));
        Assert.Contains("in the future", Refuses(60384, 400, () => ChallengeRules.ExpirationOf(Now, Now, Default, Max)).Message);
        Assert.Contains("at most 60 minutes", Refuses(60384, 400, () => ChallengeRules.ExpirationOf(Now + Max + TimeSpan.FromSeconds(6), Now, Default, Max)).Message);
    }

    [Fact]
    public void A_pending_challenge_past_its_expiry_reads_expired_and_cannot_be_answered()
    {
        var challenge = new Challenge { Status = ChallengeStatuses.Pending, ExpirationDate = 100 };
        Assert.Equal(ChallengeStatuses.Pending, ChallengeRules.StatusAt(challenge, 99));
        ChallengeRules.RequirePending(challenge, 99);
        Assert.Equal(ChallengeStatuses.Expired, ChallengeRules.StatusAt(challenge, 100));
        Refuses(60323, 403, () => ChallengeRules.RequirePending(challenge, 100));
    }

    [Theory]
    [InlineData(ChallengeStatuses.Approved)]
    [InlineData(ChallengeStatuses.Denied)]
    public void An_answered_challenge_cannot_be_answered_again_even_after_its_expiry(string status)
    {
        var challenge = new Challenge { Status = status, ExpirationDate = 100 };
        Refuses(60322, 403, () => ChallengeRules.RequirePending(challenge, 50));
        Refuses(60322, 403, () => ChallengeRules.RequirePending(challenge, 150));
    }

    [Fact]
    public void Answering_sets_what_the_answered_challenge_reads()
    {
        var challenge = new Challenge { Status = ChallengeStatuses.Pending, RespondedReason = "none", DateCreated = 10, DateUpdated = 10, ExpirationDate = 100 };
        ChallengeRules.Answer(challenge, ChallengeStatuses.Denied, """{"os":"iOS"}""", DenialReasons.Reported, 42);
        Assert.Equal(ChallengeStatuses.Denied, challenge.Status);
        Assert.Equal("none", challenge.RespondedReason);
        Assert.Equal("""{"os":"iOS"}""", challenge.Metadata);
        Assert.Equal(DenialReasons.Reported, challenge.DenialReason);
        Assert.Equal((42L, 42L), (challenge.DateUpdated, challenge.DateResponded!.Value));
        Assert.Equal(10, challenge.DateCreated);
        Refuses(60322, 403, () => ChallengeRules.RequirePending(challenge, 42));
    }
}
