using OpenVerify.EndToEnd.Tests.Client.Infrastructure;

using OpenVerify.Client;

namespace OpenVerify.EndToEnd.Tests.Client;

/// <summary>Deleting a factor: gone on the server and the device, and its JWTs no longer work.</summary>
[Collection(ServerCollection.Name)]
public sealed class DeleteFactorTests(ServerFixture fixture)
{
    [Fact]
    public async Task After_delete_the_factor_is_gone_and_its_JWT_is_rejected_with_401()
    {
        var factors = new InMemoryFactorStore();
        using var keys = new KeepingKeyStore();
        using var client = Device.Builder(fixture.Server).WithFactorStore(factors).WithKeyStore(keys).Build();
        var service = await fixture.Backend.CreateServiceAsync();
        var identity = VerifyBackend.NewIdentity();
        var factor = await Device.EnrolAsync(client, fixture.Backend, service, identity);
        await client.GetAllChallengesAsync(new ChallengeListPayload(factor.Sid, 10));

        await client.DeleteFactorAsync(factor.Sid);

        Assert.Null(await fixture.Backend.FactorStatusAsync(service, identity, factor.Sid));
        Assert.Empty(await client.GetAllFactorsAsync());

        // The same key and kid, put back on the device: the server no longer knows them.
        await factors.SaveAsync(factor);
        var rejected = await Assert.ThrowsAsync<VerifyClientException>(() => client.GetAllChallengesAsync(new ChallengeListPayload(factor.Sid, 10)));
        Assert.Equal(ErrorCategory.Network, rejected.Category);
        Assert.Equal(401, rejected.HttpStatus);
    }

    [Fact]
    public async Task Deleting_an_already_deleted_factor_counts_as_done()
    {
        var factors = new InMemoryFactorStore();
        using var keys = new KeepingKeyStore();
        using var client = Device.Builder(fixture.Server).WithFactorStore(factors).WithKeyStore(keys).Build();
        var service = await fixture.Backend.CreateServiceAsync();
        var identity = VerifyBackend.NewIdentity();
        var factor = await Device.EnrolAsync(client, fixture.Backend, service, identity);
        await client.DeleteFactorAsync(factor.Sid);
        await factors.SaveAsync(factor);

        await client.DeleteFactorAsync(factor.Sid);

        Assert.Empty(await client.GetAllFactorsAsync());
    }
}
