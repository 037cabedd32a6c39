using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Storage;

namespace OpenVerify.Cli.Commands;

/// <summary>The server's storage and stores without the web host, for admin commands.</summary>
internal static class StorageScope
{
    public static async Task<ServiceProvider> OpenAsync(StorageSettings settings, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(settings.ToConfiguration())
            .Build();
        var provider = new ServiceCollection().AddLogging().AddOpenVerify(configuration).BuildServiceProvider();
        await provider.GetRequiredService<IDatabase>().MigrateAsync(cancellationToken);
        return provider;
    }
}
