using System.Diagnostics;
using OpenVerify.TestKit.Devices;
using OpenVerify.TestKit.Postgres;
using OpenVerify.TestKit.StandIns;
using OpenVerify.TestKit.Webhooks;
using Xunit.Abstractions;

namespace OpenVerify.EndToEnd.Tests.Fleet;

/// <summary>
/// Three real <c>openverify serve</c> processes on one PostgreSQL database, with FCM and the app
/// backend's webhook receiver as local stand-ins. One instance is SIGKILLed while devices enrol and
/// approve through all three; the survivors carry on and take over the jobs it died holding.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class InstanceKillTests(ITestOutputHelper output)
{
    private const int Victim = 1;
    private const int Approvers = 4;
    private const int Enrollers = 2;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sigkill_of_one_instance_keeps_every_acknowledged_write_and_delivers_every_message_once()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var connection = await cluster.CreateDatabaseAsync("fleet_kill");
        await using var fcm = await FcmStandIn.StartAsync();
        await using var hooks = await WebhookReceiver.StartAsync();
        var environment = new Dictionary<string, string>
        {
            // The shortest lease the options allow, so the survivors take the dead instance's jobs over within the test.
            ["OpenVerify__OutboxLease"] = "00:00:05",
            // Note: a commit wakes only its own instance's worker; the others find new work by polling.
            ["OpenVerify__OutboxPollInterval"] = "00:00:00.200",
        };
        foreach (var (name, value) in fcm.ServerEnvironment.Concat(WebhookReceiver.ServerEnvironment))
        {
            environment[name] = value;
        }

        await using var fleet = await ServerFleet.StartAsync(3, connection, environment);
        try
        {
            await RunAsync(fleet, connection, fcm, hooks);
        }
        catch
        {
            output.WriteLine(fleet.Output);
            throw;
        }
    }

    private async Task RunAsync(ServerFleet fleet, string connection, FcmStandIn fcm, WebhookReceiver hooks)
    {
        using var backend = new Backend(fleet.Servers, fleet.AccountSid, fleet.AuthToken);
        using var deviceHttp = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Backend.RequestTimeout };
        var serviceSid = await backend.CreatePushServiceAsync(0, fcm.ServiceAccountJson);
        await backend.CreateWebhookAsync(0, serviceSid, hooks.Url, "factor.created", "factor.verified", "challenge.approved");
        var ledger = new Ledger();
        var kill = new KillSwitch();

        // One emulated phone per worker and instance: the same device keys reach the fleet through any instance.
        DeviceEmulator[] Phones() => [.. fleet.Servers.Select(s => new DeviceEmulator(deviceHttp, DeviceFlavour.Android, baseUrl: s.DeviceBaseUrl) { PushToken = Backend.NewPushToken() })];
        var approverPhones = Enumerable.Range(0, Approvers).Select(_ => Phones()).ToArray();
        var enrollerPhones = Enumerable.Range(0, Enrollers).Select(_ => Phones()).ToArray();
        var approverFactors = new DeviceFactor[Approvers];
        for (var w = 0; w < Approvers; w++)
        {
            approverFactors[w] = await EnrolAsync(backend, approverPhones[w], serviceSid, $"approver-{w}", w, kill, ledger)
                ?? throw new InvalidOperationException("enrolment before the kill failed");
        }

        // Slow receivers keep pushes and webhooks in flight, so the victim dies holding leases on them.
        fcm.Delay = TimeSpan.FromSeconds(2);
        hooks.Delay = TimeSpan.FromMilliseconds(300);
        using var stop = new CancellationTokenSource();
        var race = new RaceCount();
        var workers = Enumerable.Range(0, Approvers).Select(w => Task.Run(() => ApproveLoopAsync(backend, approverPhones[w], approverFactors[w], serviceSid, w, kill, ledger, race, stop.Token)))
            .Concat(Enumerable.Range(0, Enrollers).Select(w => Task.Run(() => EnrolLoopAsync(backend, enrollerPhones[w], serviceSid, w, kill, ledger, stop.Token))))
            .ToList();
        async Task UntilTrueAsync(Func<Task<bool>> condition, string what) => await Eventually.WaitAsync(async () =>
        {
            if (workers.FirstOrDefault(t => t.IsFaulted) is { } failed)
            {
                await failed;
            }

            return await condition();
        }, Bound, what + "; so far " + ledger);
        Task UntilAsync(Func<bool> condition, string what) => UntilTrueAsync(() => Task.FromResult(condition()), what);

        await UntilAsync(() => ledger.Approved.Count >= 12 && ledger.FactorsVerified.Count >= Approvers + 3, "approvals and enrolments before the kill");
        var approvedBeforeKill = ledger.Approved.Count;
        var verifiedBeforeKill = ledger.FactorsVerified.Count;
        await UntilTrueAsync(
            async () => kill.InFlight(Victim) >= 1 && (await FleetDatabase.LeasedByAsync(connection, fleet[Victim].ProcessId)).Count >= 2,
            "requests in flight at the victim, and outbox messages leased by it");

        // ---- SIGKILL, mid-flight ------------------------------------------------------------------
        kill.Start();
        var exitCode = await fleet[Victim].KillAsync();
        var killedAt = Stopwatch.GetTimestamp();
        Assert.Equal(137, exitCode);
        var orphaned = await FleetDatabase.LeasedByAsync(connection, fleet[Victim].ProcessId);
        fcm.Delay = TimeSpan.Zero;
        hooks.Delay = TimeSpan.Zero;
        output.WriteLine($"killed instance {Victim} (pid {fleet[Victim].ProcessId}) after {ledger}; it held leases on {orphaned.Count} outbox messages: "
            + string.Join(", ", orphaned.GroupBy(r => r.Kind).Select(g => $"{g.Count()} {g.Key}")));
        Assert.NotEmpty(orphaned);
        Assert.All(orphaned, row => Assert.NotEqual("", row.MessageId));

        await UntilAsync(() => ledger.Approved.Count >= approvedBeforeKill + 8 && ledger.FactorsVerified.Count >= verifiedBeforeKill + 2, "approvals and enrolments after the kill");
        await stop.CancelAsync();
        await Task.WhenAll(workers).WaitAsync(Bound);
        output.WriteLine($"acknowledged in all: {ledger}; {kill.CutOff} requests were cut off by the kill; {race.Lost} concurrent second answers were refused with 60322");

        // ---- Nothing lost: every acknowledged write has its push and its webhooks ------------------
        var pushes = fcm.Sends;
        await pushes.WaitUntilAsync(log => ledger.ChallengesCreated.Keys.All(sid => log.AcceptedCount(sid) > 0), Bound,
            () => "pushes missing for " + string.Join(", ", ledger.ChallengesCreated.Keys.Where(sid => pushes.AcceptedCount(sid) == 0)));
        var promised = ledger.PromisedEvents().ToHashSet();
        HashSet<(string, string)> Received() => hooks.Deliveries.All.Where(d => d.Accepted).Select(d => (d.Field("type") ?? "", Ledger.SubjectOf(d))).ToHashSet();
        await hooks.Deliveries.WaitUntilAsync(_ => promised.IsSubsetOf(Received()), Bound,
            () => "webhooks missing for " + string.Join(", ", promised.Except(Received())));
        await UntilAsync(() => orphaned.All(row => Delivered(row, fcm, hooks).Any(d => d.ReceivedAt > killedAt)), "the dead instance's jobs, delivered by the survivors");
        await Eventually.WaitAsync(async () => await FleetDatabase.PendingOutboxAsync(connection) == 0, Bound, "every outbox message settled");
        Assert.Empty(fcm.Problems);

        // ---- Every acknowledged write is durable (read from the database, not through the fleet) ----
        var challenges = await FleetDatabase.StatusesAsync(connection, "challenges", ledger.ChallengesCreated.Keys);
        Assert.Equal(ledger.ChallengesCreated.Keys.Order(), challenges.Keys.Order());
        Assert.All(ledger.Approved.Keys, sid => Assert.Equal("approved", challenges[sid]));
        // An approval in flight at the kill may have committed without its 200 arriving.
        Assert.All(challenges.Values, status => Assert.Contains(status, new[] { "pending", "approved" }));
        var factors = await FleetDatabase.StatusesAsync(connection, "factors", ledger.FactorsCreated.Keys);
        Assert.Equal(ledger.FactorsCreated.Keys.Order(), factors.Keys.Order());
        Assert.All(ledger.FactorsVerified.Keys, sid => Assert.Equal("verified", factors[sid]));

        // ---- No challenge answered twice -----------------------------------------------------------
        Assert.Equal(0, race.Twice);
        Assert.True(race.Lost > 0, "no concurrent second answer reached the fleet");
        var approvals = hooks.Deliveries.All.Where(d => d.Accepted && d.Field("type") == "challenge.approved").GroupBy(Ledger.SubjectOf).ToList();
        Assert.All(approvals, g => Assert.Single(g.Select(d => d.Id).Distinct()));

        // ---- Nothing delivered for a write that does not exist, nothing delivered twice but the bound ----
        var allChallenges = await FleetDatabase.AllSidsAsync(connection, "challenges");
        var allFactors = await FleetDatabase.AllSidsAsync(connection, "factors");
        Assert.All(pushes.All, p => Assert.Contains(p.Id, allChallenges));
        Assert.All(hooks.Deliveries.All, d => Assert.Contains(Ledger.SubjectOf(d), d.Field("type")!.StartsWith("challenge.", StringComparison.Ordinal) ? allChallenges : allFactors));
        Assert.All(hooks.Deliveries.All, d => Assert.Equal(d.Id, d.Headers["i-twilio-idempotency-token"]));
        // Note: delivery is at-least-once. A message the victim had sent (the stand-in logged it) but not yet
        // settled when it died is sent again by the survivor that takes the lease over: that, and only that,
        // is a duplicate, so each duplicated id must be one the victim held, first received before the kill
        // and once more after it. An event whose fan-out the victim held is fanned out again, but its
        // webhook jobs only exist once that fan-out commits, so webhook duplicates come from webhook jobs only.
        var pushDuplicates = AssertDuplicatesBounded(pushes, orphaned.Where(r => r.Kind == "push"), killedAt);
        var webhookDuplicates = AssertDuplicatesBounded(hooks.Deliveries, orphaned.Where(r => r.Kind == "webhook"), killedAt);

        // ---- The dead instance comes back on the same database and serves what the others wrote ------
        await fleet[Victim].StartAgainAsync();
        var (someApproved, identity) = (ledger.Approved.Keys.Last(), ledger.ChallengesCreated[ledger.Approved.Keys.Last()]);
        var fetched = await backend.GetAsync(Victim, $"/v2/Services/{serviceSid}/Entities/{identity}/Challenges/{someApproved}");
        Assert.True(fetched.Status == 200, fetched.ToString());
        Assert.Equal("approved", fetched.Json.GetProperty("status").GetString());
        var factorSid = approverFactors[0].Sid;
        var again = await backend.CreateChallengeAsync(Victim, serviceSid, approverFactors[0].Identity, factorSid, "Back again?");
        Assert.True(again.Status == 201, again.ToString());
        await pushes.WaitUntilAsync(log => log.AcceptedCount(again.Sid) == 1, Bound, () => "no push for the restarted instance's challenge");

        output.WriteLine($"checked after the kill: {ledger.Count} acknowledged writes ({ledger}) present in the database");
        output.WriteLine($"deliveries counted: {pushes.All.Count} FCM sends for {pushes.AcceptedById().Count} challenges ({pushDuplicates} re-sent after the kill), "
            + $"{hooks.Deliveries.All.Count} webhooks for {hooks.Deliveries.AcceptedById().Count} events ({webhookDuplicates} re-sent after the kill); "
            + $"{orphaned.Count} leased jobs of the dead instance taken over");
    }

    /// <summary>Every id accepted more than once is one the victim held, accepted exactly twice: before and after the kill. Returns how many.</summary>
    private static int AssertDuplicatesBounded(DeliveryLog log, IEnumerable<OutboxRow> heldByVictim, long killedAt)
    {
        var held = heldByVictim.Select(r => r.MessageId).ToHashSet();
        var duplicated = log.AcceptedById().Where(g => g.Count() > 1).ToList();
        Assert.All(duplicated, g =>
        {
            Assert.Contains(g.Key, held);
            Assert.Equal(2, g.Count());
            Assert.True(g.First().ReceivedAt < killedAt && g.Last().ReceivedAt > killedAt, $"{g.Key} was not sent once before and once after the kill");
        });
        return duplicated.Count;
    }

    private static IEnumerable<Delivery> Delivered(OutboxRow row, FcmStandIn fcm, WebhookReceiver hooks) =>
        (row.Kind == "push" ? fcm.Sends : hooks.Deliveries).All.Where(d => d.Accepted && d.Id == row.MessageId);

    /// <summary>Creates challenges and answers each one twice at once, through two different instances, with the same signed answer.</summary>
    private static async Task ApproveLoopAsync(Backend backend, DeviceEmulator[] phones, DeviceFactor factor, string serviceSid, int worker, KillSwitch kill, Ledger ledger, RaceCount race, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var (a, j, k) = kill.Pick(worker + n);
            var created = await kill.CallAsync(a, () => backend.CreateChallengeAsync(a, serviceSid, factor.Identity, factor.Sid, $"Log in? ({worker}-{n})"));
            if (created is null)
            {
                continue;
            }

            Assert.True(created.Status == 201, created.ToString());
            var challengeSid = created.Sid;
            ledger.ChallengesCreated[challengeSid] = factor.Identity;
            var answer = await kill.CallAsync(j, () => phones[j].PrepareAnswerAsync(factor, challengeSid, "approved"));
            if (answer is null)
            {
                continue;
            }

            var replies = await Task.WhenAll(
                kill.CallAsync(j, () => phones[j].SendAnswerAsync(factor, challengeSid, answer)),
                kill.CallAsync(k, () => phones[k].SendAnswerAsync(factor, challengeSid, answer)));
            var won = replies.Count(r => r?.StatusCode == 200);
            var refused = replies.Count(r => r is { StatusCode: 403, ErrorCode: 60322 });
            Assert.All(replies, r => Assert.True(r is null || r.StatusCode == 200 || r is { StatusCode: 403, ErrorCode: 60322 }, r?.ToString()));
            if (won > 1)
            {
                race.AnsweredTwice();
            }
            else if (won == 1)
            {
                ledger.Approved[challengeSid] = true;
            }
            else
            {
                Assert.True(replies.Any(r => r is null), $"both answers to {challengeSid} were refused");
            }

            if (won == 1 && refused == 1)
            {
                race.SecondRefused();
            }
        }
    }

    private static async Task EnrolLoopAsync(Backend backend, DeviceEmulator[] phones, string serviceSid, int worker, KillSwitch kill, Ledger ledger, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            await EnrolAsync(backend, phones, serviceSid, $"enrollee-{worker}-{n}", worker + n, kill, ledger);
        }
    }

    /// <summary>Access token (backend), factor creation and verification (device), each through another instance; null if the kill cut it short.</summary>
    private static async Task<DeviceFactor?> EnrolAsync(Backend backend, DeviceEmulator[] phones, string serviceSid, string identity, int turn, KillSwitch kill, Ledger ledger)
    {
        var (a, b, c) = kill.Pick(turn);
        var token = await kill.CallAsync(a, () => backend.AccessTokenAsync(a, serviceSid, identity));
        if (token is null)
        {
            return null;
        }

        phones[b].PushToken = Backend.NewPushToken();
        var factor = await kill.CallAsync(b, () => phones[b].CreateFactorAsync(serviceSid, identity, token, "Fleet phone"));
        if (factor is null)
        {
            return null;
        }

        ledger.FactorsCreated[factor.Sid] = identity;
        var status = await kill.CallAsync(c, () => phones[c].VerifyFactorAsync(factor));
        if (status is null)
        {
            return null;
        }

        Assert.Equal("verified", status);
        ledger.FactorsVerified[factor.Sid] = true;
        return factor;
    }

    /// <summary>Which instances are up, and the one excuse for a failed request: it went to the victim once the kill began.</summary>
    private sealed class KillSwitch
    {
        private readonly int[] inFlight = new int[3];
        private int killing;
        private int cutOff;

        public int InFlight(int instance) => Volatile.Read(ref inFlight[instance]);

        public int CutOff => Volatile.Read(ref cutOff);

        public void Start() => Volatile.Write(ref killing, 1);

        /// <summary>Three instances for one operation's steps, rotating; after the kill only the survivors (two distinct).</summary>
        public (int, int, int) Pick(int turn)
        {
            int[] up = Volatile.Read(ref killing) == 0 ? [0, 1, 2] : [0, 2];
            return (up[turn % up.Length], up[(turn + 1) % up.Length], up[(turn + 2) % up.Length]);
        }

        public async Task<T?> CallAsync<T>(int instance, Func<Task<T>> call) where T : class
        {
            Interlocked.Increment(ref inFlight[instance]);
            try
            {
                return await call();
            }
            catch (HttpRequestException) when (instance == Victim && Volatile.Read(ref killing) == 1)
            {
                // The connection died with the process: this request was never acknowledged.
                Interlocked.Increment(ref cutOff);
                return null;
            }
            finally
            {
                Interlocked.Decrement(ref inFlight[instance]);
            }
        }
    }

    private sealed class RaceCount
    {
        private int twice;
        private int lost;

        public int Twice => Volatile.Read(ref twice);

        public int Lost => Volatile.Read(ref lost);

        public void AnsweredTwice() => Interlocked.Increment(ref twice);

        public void SecondRefused() => Interlocked.Increment(ref lost);
    }
}
