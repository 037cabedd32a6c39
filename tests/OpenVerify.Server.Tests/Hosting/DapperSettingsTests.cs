using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Tests.Hosting;

/// <summary>
/// Dapper's type map is one per process: a server embedded in a host must not change how the host's
/// own (or another library's) queries map their columns. The stores alias every column to its
/// property name instead of turning on underscore matching.
/// </summary>
[StorageFree]
public sealed class DapperSettingsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("openverify-dapper-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Registering_the_server_and_resolving_its_stores_leaves_underscore_matching_off()
    {
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddOpenVerify(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["OpenVerify:Storage"] = "sqlite",
                ["OpenVerify:SqlitePath"] = Path.Combine(directory, "openverify.db"),
            }).Build())
            .BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<IServiceStore>());
        Assert.NotNull(provider.GetRequiredService<IFactorStore>());
        Assert.NotNull(provider.GetRequiredService<IChallengeStore>());

        Assert.False(Dapper.DefaultTypeMap.MatchNamesWithUnderscores);
    }
}
