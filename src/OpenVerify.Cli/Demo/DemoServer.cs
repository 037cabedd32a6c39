using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenVerify.Server.Accounts;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Storage;

namespace OpenVerify.Cli.Demo;

/// <summary>
/// An OpenVerify server in this process (<c>AddOpenVerify</c>/<c>MapOpenVerify</c>) on a free port of
/// 127.0.0.1, on a throwaway SQLite file, with one fresh account. Webhooks may reach loopback
/// (<c>OpenVerify:Webhooks:AllowPrivateNetworks</c>) because the app backend runs on this machine.
/// </summary>
public sealed class DemoServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private DemoServer(WebApplication app, Uri url, Account account, string dataDirectory)
    {
        this.app = app;
        Url = url;
        AccountSid = account.Sid;
        AuthToken = account.AuthToken;
        DataDirectory = dataDirectory;
    }

    /// <summary>The server's base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Url { get; }

    /// <summary>The Verify API base a device SDK uses (<c>{Url}/v2/</c>).</summary>
    public Uri ApiBaseUrl => new(Url, "/v2/");

    /// <summary>The account's SID.</summary>
    public string AccountSid { get; }

    /// <summary>The account's auth token.</summary>
    public string AuthToken { get; }

    /// <summary>The temporary directory holding <c>openverify.db</c>; removed on dispose.</summary>
    public string DataDirectory { get; }

    /// <summary>The SQLite file.</summary>
    public string DatabasePath => Path.Combine(DataDirectory, "openverify.db");

    /// <summary>Starts the server and creates its account.</summary>
    public static async Task<DemoServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "openverify-demo-" + Guid.NewGuid().ToString("N")[..12]);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OpenVerify:DataDirectory"] = dataDirectory,
            ["OpenVerify:Storage"] = "sqlite",
            ["OpenVerify:Connection"] = null,
            ["OpenVerify:PublicUrl"] = null,
            ["OpenVerify:Webhooks:AllowPrivateNetworks"] = "true",
            // Note: deliveries are signalled on commit; the poll only bounds how late a missed signal is.
            ["OpenVerify:OutboxPollInterval"] = "00:00:00.200",
        });
        builder.Services.AddOpenVerify(builder.Configuration);
        var app = builder.Build();
        app.MapOpenVerify();
        try
        {
            await app.Services.GetRequiredService<IDatabase>().MigrateAsync(cancellationToken);
            var account = await app.Services.GetRequiredService<AccountBootstrap>().CreateAsync("demo", cancellationToken);
            await app.StartAsync(cancellationToken);
            return new DemoServer(app, new Uri(app.Urls.First()), account, dataDirectory);
        }
        catch
        {
            await app.DisposeAsync();
            DeleteDirectory(dataDirectory);
            throw;
        }
    }

    /// <summary>Stops the server and deletes its data.</summary>
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        DeleteDirectory(DataDirectory);
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
