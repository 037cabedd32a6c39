using OpenVerify.EndToEnd.Tests.Client.Infrastructure;

using OpenVerify.Client;

namespace OpenVerify.EndToEnd.Tests.Client;

/// <summary>Silent device approval against the real server: the expected challenge only.</summary>
[Collection(ServerCollection.Name)]
public sealed class SilentApprovalTests(ServerFixture fixture)
{
    [Fact]
    public async Task The_expected_challenge_is_approved_by_SID()
    {
        using var device = await EnrolledDevice.CreateAsync(fixture);
        var expected = await device.ChallengeAsync("tx-1");
        await device.ChallengeAsync("tx-2");

        var approved = await device.Client.ApproveSilentlyAsync(SilentApproval.ForChallenge(device.Factor.Sid, expected), incomingChallengeSid: expected);

        Assert.Equal(expected, approved.Sid);
        Assert.Equal(ChallengeStatus.Approved, approved.Status);
        Assert.Equal("approved", await device.StatusAsync(expected));
    }

    [Fact]
    public async Task The_challenge_carrying_the_transaction_id_is_approved_and_no_other()
    {
        using var device = await EnrolledDevice.CreateAsync(fixture);
        var other = await device.ChallengeAsync("tx-1");
        var expected = await device.ChallengeAsync("tx-2");

        var approved = await device.Client.ApproveSilentlyAsync(SilentApproval.ForTransaction(device.Factor.Sid, "transaction_id", "tx-2"));

        Assert.Equal(expected, approved.Sid);
        Assert.Equal("approved", await device.StatusAsync(expected));
        Assert.Equal("pending", await device.StatusAsync(other));
    }

    [Fact]
    public async Task A_push_for_another_challenge_is_refused_and_stays_pending()
    {
        using var device = await EnrolledDevice.CreateAsync(fixture);
        var expected = await device.ChallengeAsync("tx-1");
        var intruder = await device.ChallengeAsync("tx-evil");

        var bySid = await Assert.ThrowsAsync<VerifyClientException>(() =>
            device.Client.ApproveSilentlyAsync(SilentApproval.ForChallenge(device.Factor.Sid, expected), incomingChallengeSid: intruder));
        var byTransaction = await Assert.ThrowsAsync<VerifyClientException>(() =>
            device.Client.ApproveSilentlyAsync(SilentApproval.ForTransaction(device.Factor.Sid, "transaction_id", "tx-1"), incomingChallengeSid: intruder));

        Assert.Equal(InputErrorReason.UnexpectedChallenge, bySid.InputReason);
        Assert.Equal(InputErrorReason.UnexpectedChallenge, byTransaction.InputReason);
        Assert.Equal("pending", await device.StatusAsync(intruder));
        Assert.Equal("pending", await device.StatusAsync(expected));
    }

    [Fact]
    public async Task An_unknown_transaction_id_approves_nothing()
    {
        using var device = await EnrolledDevice.CreateAsync(fixture);
        var pending = await device.ChallengeAsync("tx-1");

        var refused = await Assert.ThrowsAsync<VerifyClientException>(() =>
            device.Client.ApproveSilentlyAsync(SilentApproval.ForTransaction(device.Factor.Sid, "transaction_id", "tx-unknown")));

        Assert.Equal(ErrorCategory.Input, refused.Category);
        Assert.Equal("pending", await device.StatusAsync(pending));
    }

    private sealed class EnrolledDevice(ServerFixture fixture, TempDirectory home, VerifyClient client, string service, string identity, Factor factor) : IDisposable
    {
        public VerifyClient Client => client;

        public Factor Factor => factor;

        public static async Task<EnrolledDevice> CreateAsync(ServerFixture fixture)
        {
            var home = new TempDirectory("openverify-e2e-device");
            var client = Device.Client(fixture.Server, home.Path);
            var service = await fixture.Backend.CreateServiceAsync();
            var identity = VerifyBackend.NewIdentity();
            var factor = await Device.EnrolAsync(client, fixture.Backend, service, identity);
            return new EnrolledDevice(fixture, home, client, service, identity, factor);
        }

        public Task<string> ChallengeAsync(string transactionId) =>
            fixture.Backend.CreateChallengeAsync(service, identity, factor.Sid, "Sign in on this phone?", transactionId);

        public Task<string> StatusAsync(string challengeSid) => fixture.Backend.ChallengeStatusAsync(service, identity, challengeSid);

        public void Dispose()
        {
            client.Dispose();
            home.Dispose();
        }
    }
}
