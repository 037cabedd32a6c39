using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using OpenVerify.TestKit.Devices;
using OpenVerify.TestKit.Postgres;
using Xunit.Abstractions;

namespace OpenVerify.EndToEnd.Tests.Fleet;

/// <summary>
/// Three real server processes on one PostgreSQL server that crashes under load: first a quick
/// immediate restart, then an outage long enough to watch. No instance is restarted by hand; each
/// must answer every request either with success (and keep it) or with a Twilio-shaped 503, within
/// the client's timeout, and report itself not ready on <c>/healthz</c> while the database is away.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class DatabaseRestartTests(ITestOutputHelper output)
{
    private const int Workers = 3;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_postgres_restart_under_load_fails_requests_with_503_and_the_fleet_recovers_by_itself()
    {
        // A cluster of its own: the shared one must never be restarted.
        await using var cluster = await PostgresCluster.StartAsync();
        var connection = await cluster.CreateDatabaseAsync("fleet_restart");
        await using var fleet = await ServerFleet.StartAsync(3, connection);
        try
        {
            await RunAsync(fleet, cluster, connection);
        }
        catch
        {
            output.WriteLine(fleet.Output);
            output.WriteLine(cluster.LogTail());
            throw;
        }
    }

    private async Task RunAsync(ServerFleet fleet, PostgresCluster cluster, string connection)
    {
        using var backend = new Backend(fleet.Servers, fleet.AccountSid, fleet.AuthToken);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Backend.RequestTimeout };
        var serviceSid = (await backend.PostAsync(0, "/v2/Services", ("FriendlyName", "Fleet restart"))).Sid;
        var phones = Enumerable.Range(0, Workers)
            .Select(_ => fleet.Servers.Select(s => new DeviceEmulator(http, DeviceFlavour.Android, baseUrl: s.DeviceBaseUrl) { PushToken = null }).ToArray()).ToArray();
        var factors = new DeviceFactor[Workers];
        for (var w = 0; w < Workers; w++)
        {
            var identity = $"restart-{w}";
            factors[w] = await phones[w][w].CreateFactorAsync(serviceSid, identity, await backend.AccessTokenAsync(w, serviceSid, identity));
            Assert.Equal("verified", await phones[w][(w + 1) % 3].VerifyFactorAsync(factors[w]));
        }

        var load = new Load();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(() => LoopAsync(backend, phones[w], factors[w], serviceSid, w, load, stop.Token))).ToList();
        async Task UntilAsync(Func<Task<bool>> condition, string what) => await Eventually.WaitAsync(async () =>
        {
            if (workers.FirstOrDefault(t => t.IsFaulted) is { } failed)
            {
                await failed;
            }

            return await condition();
        }, Bound, $"{what}; so far {load}");

        await UntilAsync(() => Task.FromResult(load.Ledger.Approved.Count >= 6), "approvals before the restart");

        // ---- A crash and immediate restart of PostgreSQL --------------------------------------------
        await cluster.RestartAsync();
        var afterRestart = load.Ledger.Approved.Count;
        await UntilAsync(async () => await AllHealthyAsync(fleet, http), "/healthz 200 on every instance after the restart");
        await UntilAsync(() => Task.FromResult(load.Ledger.Approved.Count >= afterRestart + 6), "approvals after the restart");
        output.WriteLine($"after an immediate restart: {load}");

        // ---- An outage: the database is away until the fleet has been seen to notice ----------------
        var failedBeforeOutage = load.Unavailable;
        await cluster.StopServerAsync();
        var notReady = new ConcurrentDictionary<int, Answer>();
        await UntilAsync(async () =>
        {
            for (var i = 0; i < fleet.Servers.Count; i++)
            {
                var health = await HealthAsync(fleet[i], http);
                if (TwilioError.IsShaped(health, 503, 20503))
                {
                    notReady[i] = health;
                }
                else
                {
                    Assert.True(health.Status == 200, $"/healthz of instance {i} with the database away answered {health}");
                }
            }

            return notReady.Count == fleet.Servers.Count;
        }, "/healthz 503 on every instance while the database is away");
        await UntilAsync(() => Task.FromResult(load.Unavailable >= failedBeforeOutage + Workers), "requests refused with 503 while the database is away");
        var refusedDuringOutage = load.Unavailable - failedBeforeOutage;

        await cluster.StartServerAsync();
        await UntilAsync(async () => await AllHealthyAsync(fleet, http), "/healthz 200 on every instance once the database is back");
        load.CountRecovery();
        // Each instance, by itself, acknowledges writes again.
        await UntilAsync(() => Task.FromResult(load.RecoveredCreations.All(c => Volatile.Read(ref c.Value) >= 2)), "challenge creations through every instance after the outage");
        await stop.CancelAsync();
        await Task.WhenAll(workers).WaitAsync(Bound);

        // ---- Every answer was a success or a Twilio-shaped 503, none timed out -----------------------
        Assert.Empty(load.Violations);
        Assert.True(load.Unavailable > 0);

        // ---- Every acknowledged write is durable (read from the database) ---------------------------
        var ledger = load.Ledger;
        var challenges = await FleetDatabase.StatusesAsync(connection, "challenges", ledger.ChallengesCreated.Keys);
        Assert.Equal(ledger.ChallengesCreated.Keys.Order(), challenges.Keys.Order());
        Assert.All(ledger.Approved.Keys, sid => Assert.Equal("approved", challenges[sid]));

        output.WriteLine($"checked after the outage: {ledger.ChallengesCreated.Count + ledger.Approved.Count} acknowledged writes ({ledger}) present in the database; "
            + $"{load.Unavailable} requests answered 503 20503 ({refusedDuringOutage} during the outage), {load.Requests} requests in all, none timed out; "
            + $"/healthz answered 503 20503 on all {notReady.Count} instances while the database was away");
    }

    /// <summary>Create a challenge through one instance, answer it through the next; a 503 anywhere ends that challenge (its write may or may not have happened).</summary>
    private static async Task LoopAsync(Backend backend, DeviceEmulator[] phones, DeviceFactor factor, string serviceSid, int worker, Load load, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var a = (worker + n) % 3;
            var j = (a + 1) % 3;
            var created = await load.JudgeAsync(a, async () => await backend.CreateChallengeAsync(a, serviceSid, factor.Identity, factor.Sid, $"Restart? ({worker}-{n})"), 201);
            if (created is null)
            {
                continue;
            }

            var challengeSid = created.Sid;
            load.Ledger.ChallengesCreated[challengeSid] = factor.Identity;
            string? authPayload = null;
            var fetched = await load.JudgeAsync(j, async () =>
            {
                try
                {
                    authPayload = await phones[j].PrepareAnswerAsync(factor, challengeSid, "approved");
                    return new Answer(200, "", "application/json");
                }
                catch (DeviceException refused) when (refused.Response is { IsSuccess: false } response)
                {
                    return Of(response);
                }
            }, 200);
            if (fetched is null)
            {
                continue;
            }

            var answered = await load.JudgeAsync(j, async () => Of(await phones[j].SendAnswerAsync(factor, challengeSid, authPayload!)), 200);
            if (answered is not null)
            {
                load.Ledger.Approved[challengeSid] = true;
            }
        }
    }

    private static Answer Of(DeviceResponse response) =>
        new(response.StatusCode, response.Body, response.Header("Content-Type")?.Split(';')[0].Trim());

    private static async Task<Answer> HealthAsync(ServerProcess server, HttpClient http)
    {
        using var response = await http.GetAsync(new Uri(server.BaseUrl, "/healthz"));
        return new Answer((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<bool> AllHealthyAsync(ServerFleet fleet, HttpClient http)
    {
        foreach (var server in fleet.Servers)
        {
            var health = await HealthAsync(server, http);
            if (health.Status != 200)
            {
                Assert.True(TwilioError.IsShaped(health, 503, 20503), $"/healthz answered {health}");
                return false;
            }
        }

        return true;
    }

    /// <summary>What the load saw: acknowledged writes, 503s, and anything that breaks the contract.</summary>
    private sealed class Load
    {
        private int unavailable;
        private int requests;
        private int recovering;

        public Ledger Ledger { get; } = new();

        /// <summary>Answers that were neither the expected success nor a Twilio-shaped 503 20503, and requests that timed out or lost their connection.</summary>
        public ConcurrentQueue<string> Violations { get; } = new();

        /// <summary>Per instance, challenge creations acknowledged after the outage ended.</summary>
        public StrongBox<int>[] RecoveredCreations { get; } = [new(), new(), new()];

        public int Unavailable => Volatile.Read(ref unavailable);

        public int Requests => Volatile.Read(ref requests);

        public void CountRecovery() => Volatile.Write(ref recovering, 1);

        /// <summary>The answer if it is <paramref name="success"/>; null for a 503 20503; anything else is a violation (and null).</summary>
        public async Task<Answer?> JudgeAsync(int instance, Func<Task<Answer>> call, int success)
        {
            Interlocked.Increment(ref requests);
            Answer answer;
            try
            {
                answer = await call();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Violations.Enqueue($"instance {instance}: {e.GetType().Name}: {e.Message}");
                return null;
            }

            if (answer.Status == success)
            {
                if (success == 201 && Volatile.Read(ref recovering) == 1)
                {
                    Interlocked.Increment(ref RecoveredCreations[instance].Value);
                }

                return answer;
            }

            if (TwilioError.IsShaped(answer, 503, 20503))
            {
                Interlocked.Increment(ref unavailable);
            }
            else
            {
                Violations.Enqueue($"instance {instance}: {answer}");
            }

            return null;
        }

        public override string ToString() => $"{Ledger}; {Unavailable} answered 503; {Violations.Count} violations: {string.Join(" | ", Violations.Take(5))}";
    }
}
