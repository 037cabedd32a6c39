using Microsoft.Extensions.Hosting;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Hosting;

/// <summary>Applies migrations before the server takes requests.</summary>
internal sealed class StorageStartup(IDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
