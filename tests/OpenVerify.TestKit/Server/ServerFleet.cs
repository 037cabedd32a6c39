using System.Security.Cryptography;
using OpenVerify.Protocol.Sids;

namespace OpenVerify.TestKit.Server;

/// <summary>
/// Several real <c>openverify serve</c> processes on one PostgreSQL database, as a production fleet
/// behind a load balancer: the same bootstrap account and the same secrets key
/// (<c>OpenVerify__Secrets__Key</c>, so a push credential or webhook secret sealed by one instance
/// opens on the others), each on its own port. They start side by side, so the first migration
/// races the others (the server serialises migrations with an advisory lock).
/// </summary>
public sealed class ServerFleet : IAsyncDisposable
{
    private readonly List<ServerProcess> servers;

    private ServerFleet(List<ServerProcess> servers, string accountSid, string authToken)
    {
        this.servers = servers;
        AccountSid = accountSid;
        AuthToken = authToken;
    }

    /// <summary>The instances, in start order.</summary>
    public IReadOnlyList<ServerProcess> Servers => servers;

    /// <summary>Instance <paramref name="index"/>.</summary>
    public ServerProcess this[int index] => servers[index];

    /// <summary>The account every instance bootstraps.</summary>
    public string AccountSid { get; }

    /// <summary>Its auth token.</summary>
    public string AuthToken { get; }

    /// <summary>Starts <paramref name="size"/> instances on <paramref name="connection"/> with <paramref name="environment"/> added to each.</summary>
    public static async Task<ServerFleet> StartAsync(int size, string connection, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var accountSid = Sid.New(SidPrefix.Account);
        var authToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var shared = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["OpenVerify__Secrets__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        var options = new ServerProcessOptions { Storage = "postgres", Connection = connection, Account = (accountSid, authToken), Environment = shared };
        var starts = Enumerable.Range(0, size).Select(_ => ServerProcess.StartAsync(options)).ToList();
        ServerProcess[] servers;
        try
        {
            servers = await Task.WhenAll(starts);
        }
        catch
        {
            foreach (var start in starts.Where(s => s.IsCompletedSuccessfully))
            {
                await (await start).DisposeAsync();
            }

            throw;
        }

        return new ServerFleet([.. servers], accountSid, authToken);
    }

    /// <summary>Every instance's output, headed by its port (for failure messages).</summary>
    public string Output => string.Join("\n", servers.Select(s => $"===== instance on port {s.Port} (pid {s.ProcessId}) =====\n{s.Output}"));

    /// <summary>Kills every instance and deletes their directories.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var server in servers)
        {
            await server.DisposeAsync();
        }
    }
}
