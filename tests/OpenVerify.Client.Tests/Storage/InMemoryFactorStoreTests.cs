namespace OpenVerify.Client.Tests;

public sealed class InMemoryFactorStoreTests
{
    [Fact]
    public async Task Saves_replace_by_sid_and_delete_removes()
    {
        var store = new InMemoryFactorStore();
        var factor = new Factor("YF1", "a", "AC1", "VA1", "alice-0001", FactorStatus.Unverified, TestDevice.Start, "CR1", "none", "alias");

        await store.SaveAsync(factor);
        await store.SaveAsync(factor with { Status = FactorStatus.Verified });

        Assert.Equal(FactorStatus.Verified, Assert.Single(await store.GetAllAsync()).Status);
        await store.DeleteAsync("YF1");
        Assert.Empty(await store.GetAllAsync());
    }
}
