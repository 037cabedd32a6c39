using OpenVerify.EndToEnd.Tests.Client.Infrastructure;

using OpenVerify.Client;

namespace OpenVerify.EndToEnd.Tests.Client;

/// <summary>Seed sequence 1: enrolment = create factor + verify, against the real server.</summary>
[Collection(ServerCollection.Name)]
public sealed class EnrolmentTests(ServerFixture fixture)
{
    [Fact]
    public async Task Creating_and_verifying_a_factor_leaves_it_verified_on_the_server_and_on_the_device()
    {
        using var home = new TempDirectory("openverify-e2e-device");
        using var client = Device.Client(fixture.Server, home.Path);
        var service = await fixture.Backend.CreateServiceAsync();
        var identity = VerifyBackend.NewIdentity();

        var token = await fixture.Backend.CreateAccessTokenAsync(service, identity);
        var created = await client.CreateFactorAsync(new PushFactorPayload("E2E device", service, identity, null, token));
        Assert.Equal(FactorStatus.Unverified, created.Status);
        Assert.Equal("unverified", await fixture.Backend.FactorStatusAsync(service, identity, created.Sid));

        var verified = await client.VerifyFactorAsync(new VerifyPushFactorPayload(created.Sid));

        Assert.Equal(FactorStatus.Verified, verified.Status);
        Assert.Equal("verified", await fixture.Backend.FactorStatusAsync(service, identity, created.Sid));
        Assert.Equal(fixture.Server.AccountSid, verified.AccountSid);
        Assert.StartsWith("CR", verified.CredentialSid, StringComparison.Ordinal);
        var stored = Assert.Single(await client.GetAllFactorsAsync());
        Assert.Equal(FactorStatus.Verified, stored.Status);
    }

    [Fact]
    public async Task An_access_token_is_used_once()
    {
        using var home = new TempDirectory("openverify-e2e-device");
        using var client = Device.Client(fixture.Server, home.Path);
        var service = await fixture.Backend.CreateServiceAsync();
        var identity = VerifyBackend.NewIdentity();
        var token = await fixture.Backend.CreateAccessTokenAsync(service, identity);
        await client.CreateFactorAsync(new PushFactorPayload("first", service, identity, null, token));

        var second = await Assert.ThrowsAsync<VerifyClientException>(() => client.CreateFactorAsync(new PushFactorPayload("second", service, identity, null, token)));

        Assert.Equal(ErrorCategory.Network, second.Category);
        Assert.Equal(401, second.HttpStatus);
    }
}
