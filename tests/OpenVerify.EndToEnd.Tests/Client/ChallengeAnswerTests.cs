using OpenVerify.EndToEnd.Tests.Client.Infrastructure;

using OpenVerify.Client;

namespace OpenVerify.EndToEnd.Tests.Client;

/// <summary>Seed sequences 2 and 3: a challenge approved, a challenge denied.</summary>
[Collection(ServerCollection.Name)]
public sealed class ChallengeAnswerTests(ServerFixture fixture)
{
    [Theory]
    [InlineData(ChallengeStatus.Approved, "approved")]
    [InlineData(ChallengeStatus.Denied, "denied")]
    public async Task Answering_a_pending_challenge_is_what_the_backend_then_reads(ChallengeStatus answer, string wire)
    {
        using var home = new TempDirectory("openverify-e2e-device");
        using var client = Device.Client(fixture.Server, home.Path);
        var service = await fixture.Backend.CreateServiceAsync();
        var identity = VerifyBackend.NewIdentity();
        var factor = await Device.EnrolAsync(client, fixture.Backend, service, identity);
        var challengeSid = await fixture.Backend.CreateChallengeAsync(service, identity, factor.Sid, "Log in to Acme?", "tx-1");

        var fetched = await client.GetChallengeAsync(challengeSid, factor.Sid);
        Assert.Equal(ChallengeStatus.Pending, fetched.Status);
        Assert.Equal("Log in to Acme?", fetched.ChallengeDetails.Message);
        Assert.Equal(new ChallengeDetail("IP", "203.0.113.7"), Assert.Single(fetched.ChallengeDetails.Fields));
        Assert.Equal("tx-1", fetched.HiddenDetails?["transaction_id"]);

        var updated = await client.UpdateChallengeAsync(new UpdatePushChallengePayload(factor.Sid, challengeSid, answer));

        Assert.Equal(answer, updated.Status);
        Assert.Equal(wire, await fixture.Backend.ChallengeStatusAsync(service, identity, challengeSid));
    }

    [Fact]
    public async Task A_challenge_cannot_be_answered_twice()
    {
        using var home = new TempDirectory("openverify-e2e-device");
        using var client = Device.Client(fixture.Server, home.Path);
        var service = await fixture.Backend.CreateServiceAsync();
        var identity = VerifyBackend.NewIdentity();
        var factor = await Device.EnrolAsync(client, fixture.Backend, service, identity);
        var challengeSid = await fixture.Backend.CreateChallengeAsync(service, identity, factor.Sid);
        await client.UpdateChallengeAsync(new UpdatePushChallengePayload(factor.Sid, challengeSid, ChallengeStatus.Denied));

        var again = await Assert.ThrowsAsync<VerifyClientException>(() => client.UpdateChallengeAsync(new UpdatePushChallengePayload(factor.Sid, challengeSid, ChallengeStatus.Approved)));

        Assert.Equal(InputErrorReason.AlreadyUpdatedChallenge, again.InputReason);
        Assert.Equal("denied", await fixture.Backend.ChallengeStatusAsync(service, identity, challengeSid));
    }
}
