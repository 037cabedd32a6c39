using OpenVerify.Client;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>One command's view of the device: its state, and one SDK client per server.</summary>
public sealed class DeviceSession : IDisposable
{
    private readonly Dictionary<DeviceServer, (HttpClient Http, VerifyClient Client)> clients = [];

    private DeviceSession(DeviceHome home, DeviceState state)
    {
        Home = home;
        State = state;
    }

    /// <summary>The state directory.</summary>
    public DeviceHome Home { get; }

    /// <summary>The servers of the local factors.</summary>
    public DeviceState State { get; }

    /// <summary>Opens the device in <paramref name="home"/>.</summary>
    public static async Task<DeviceSession> OpenAsync(DeviceHome home, CancellationToken cancellationToken) =>
        new(home, await home.LoadAsync(cancellationToken));

    /// <summary>The SDK client for <paramref name="server"/> (one per server and command).</summary>
    public VerifyClient ClientFor(DeviceServer server)
    {
        if (!clients.TryGetValue(server, out var entry))
        {
            var http = DeviceHome.CreateHttpClient(server.CaCertificatePem);
            entry = (http, Home.Connect(server, http));
            clients[server] = entry;
        }

        return entry.Client;
    }

    /// <summary>The SDK client for a local factor.</summary>
    public VerifyClient ClientFor(LocalFactor factor) =>
        ClientFor(factor.Server ?? throw new DeviceCommandException($"device.json does not say which server factor {factor.Factor.Sid} belongs to; delete it with `device reset` and enroll again"));

    /// <summary>Every local factor, oldest first.</summary>
    public async Task<IReadOnlyList<LocalFactor>> FactorsAsync(CancellationToken cancellationToken)
    {
        var factors = await Home.FactorStore.GetAllAsync(cancellationToken);
        return [.. factors.OrderBy(f => f.CreatedAt).Select(f => new LocalFactor(f, State.Factors.GetValueOrDefault(f.Sid)))];
    }

    /// <summary>The factor named by <c>--factor</c>, or the only one on this device.</summary>
    public async Task<LocalFactor> FactorAsync(string? factorSid, CancellationToken cancellationToken)
    {
        var factors = await FactorsAsync(cancellationToken);
        if (factorSid is not null)
        {
            return factors.FirstOrDefault(f => f.Factor.Sid == factorSid) ?? throw new DeviceCommandException($"Factor {factorSid} is not on this device ({Home.DirectoryPath})");
        }

        return factors.Count switch
        {
            0 => throw new DeviceCommandException($"No factor on this device ({Home.DirectoryPath}); run `openverify device enroll` first"),
            1 => factors[0],
            _ => throw new DeviceCommandException($"This device has {factors.Count} factors; say which with --factor"),
        };
    }

    /// <summary>
    /// The factors a command works on: the one named by <c>--factor</c>, else all of them.
    /// </summary>
    public async Task<IReadOnlyList<LocalFactor>> FactorsAsync(string? factorSid, CancellationToken cancellationToken) =>
        factorSid is null ? await FactorsAsync(cancellationToken) : [await FactorAsync(factorSid, cancellationToken)];

    /// <summary>
    /// Fetches a challenge of the factor named by <c>--factor</c>, or of whichever local factor owns it.
    /// </summary>
    public async Task<(LocalFactor Factor, Challenge Challenge)> FindChallengeAsync(string challengeSid, string? factorSid, CancellationToken cancellationToken)
    {
        var candidates = await FactorsAsync(factorSid, cancellationToken);
        if (candidates.Count == 0)
        {
            throw new DeviceCommandException($"No factor on this device ({Home.DirectoryPath}); run `openverify device enroll` first");
        }

        if (candidates.Count == 1)
        {
            return (candidates[0], await ClientFor(candidates[0]).GetChallengeAsync(challengeSid, candidates[0].Factor.Sid, cancellationToken));
        }

        foreach (var candidate in candidates.Where(c => c.Server is not null))
        {
            try
            {
                return (candidate, await ClientFor(candidate).GetChallengeAsync(challengeSid, candidate.Factor.Sid, cancellationToken));
            }
            catch (VerifyClientException e) when (e.HttpStatus is 404 or 401 || e.InputReason == InputErrorReason.WrongFactor)
            {
                // Not this factor's challenge (the server scopes challenges to the JWT's factor); try the next.
            }
        }

        throw new DeviceCommandException($"Challenge {challengeSid} belongs to none of this device's factors");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (http, client) in clients.Values)
        {
            client.Dispose();
            http.Dispose();
        }
    }
}
