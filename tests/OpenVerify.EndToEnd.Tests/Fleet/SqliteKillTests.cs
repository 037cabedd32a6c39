using Microsoft.Data.Sqlite;
using OpenVerify.TestKit.Devices;
using OpenVerify.TestKit.StandIns;
using OpenVerify.TestKit.Webhooks;
using Xunit.Abstractions;

namespace OpenVerify.EndToEnd.Tests.Fleet;

/// <summary>
/// One real server process on SQLite, SIGKILLed while its outbox is full of pushes and webhooks that
/// FCM and the app backend keep failing: restarted on the same data directory, it delivers every one.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class SqliteKillTests(ITestOutputHelper output)
{
    private const int Phones = 2;
    private const int ChallengesPerPhone = 3;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Queued_pushes_and_webhooks_are_delivered_after_a_sigkill_and_restart()
    {
        await using var fcm = await FcmStandIn.StartAsync();
        await using var hooks = await WebhookReceiver.StartAsync();
        var environment = new Dictionary<string, string>
        {
            // A job in flight at the kill stays leased to the dead process until its lease runs out.
            ["OpenVerify__OutboxLease"] = "00:00:05",
            ["OpenVerify__OutboxPollInterval"] = "00:00:00.200",
        };
        foreach (var (name, value) in fcm.ServerEnvironment.Concat(WebhookReceiver.ServerEnvironment))
        {
            environment[name] = value;
        }

        await using var server = await ServerProcess.StartAsync(new ServerProcessOptions { Environment = environment });
        try
        {
            await RunAsync(server, fcm, hooks);
        }
        catch
        {
            output.WriteLine(server.Output);
            throw;
        }
    }

    private async Task RunAsync(ServerProcess server, FcmStandIn fcm, WebhookReceiver hooks)
    {
        using var backend = new Backend([server], server.AccountSid, server.AuthToken);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) }) { Timeout = Backend.RequestTimeout };
        var serviceSid = await backend.CreatePushServiceAsync(0, fcm.ServiceAccountJson);
        await backend.CreateWebhookAsync(0, serviceSid, hooks.Url, "factor.created", "factor.verified", "challenge.approved");
        fcm.Status = 503;
        hooks.Status = 500;

        var ledger = new Ledger();
        var phones = new List<(DeviceEmulator Phone, DeviceFactor Factor)>();
        for (var p = 0; p < Phones; p++)
        {
            var identity = $"sqlite-{p}";
            var phone = new DeviceEmulator(http, DeviceFlavour.Android, baseUrl: server.DeviceBaseUrl) { PushToken = Backend.NewPushToken() };
            var factor = await phone.CreateFactorAsync(serviceSid, identity, await backend.AccessTokenAsync(0, serviceSid, identity));
            ledger.FactorsCreated[factor.Sid] = identity;
            Assert.Equal("verified", await phone.VerifyFactorAsync(factor));
            ledger.FactorsVerified[factor.Sid] = true;
            phones.Add((phone, factor));
        }

        foreach (var (phone, factor) in phones)
        {
            for (var c = 0; c < ChallengesPerPhone; c++)
            {
                var created = await backend.CreateChallengeAsync(0, serviceSid, factor.Identity, factor.Sid, $"Queued? ({c})");
                Assert.True(created.Status == 201, created.ToString());
                ledger.ChallengesCreated[created.Sid] = factor.Identity;
                if (c == 0)
                {
                    await phone.ApproveAsync(factor, created.Sid);
                    ledger.Approved[created.Sid] = true;
                }
            }
        }

        // Every push has been tried and refused at least once, and so has the first webhook of each entity:
        // the ones after it wait behind it, as one entity's webhook deliveries go out strictly in order.
        var promised = ledger.PromisedEvents().ToHashSet();
        await fcm.Sends.WaitUntilAsync(log => ledger.ChallengesCreated.Keys.All(sid => log.All.Any(d => d.Id == sid)), Bound, () => "a push was never tried");
        await hooks.Deliveries.WaitUntilAsync(log => phones.All(p => log.All.Any(d => d.Field("type") == "factor.created" && d.Field("factor_sid") == p.Factor.Sid)), Bound,
            () => "the first webhook of an entity was never tried");
        await Eventually.WaitAsync(async () => await PendingOutboxAsync(server.DataDirectory) == (ledger.ChallengesCreated.Count, promised.Count), Bound,
            "every push and every webhook delivery queued");
        Assert.DoesNotContain(fcm.Sends.All, d => d.Accepted);
        Assert.DoesNotContain(hooks.Deliveries.All, d => d.Accepted);

        var exitCode = await server.KillAsync();
        Assert.Equal(137, exitCode);
        var queued = await PendingOutboxAsync(server.DataDirectory);
        output.WriteLine($"killed with {queued.Push} pushes and {queued.Webhook} webhook deliveries pending after {fcm.Sends.All.Count} refused FCM sends and {hooks.Deliveries.All.Count} refused webhooks");
        Assert.Equal((ledger.ChallengesCreated.Count, promised.Count), queued);

        fcm.Status = 200;
        hooks.Status = 200;
        await server.StartAgainAsync();

        await fcm.Sends.WaitUntilAsync(log => ledger.ChallengesCreated.Keys.All(sid => log.AcceptedCount(sid) > 0), Bound,
            () => "pushes missing for " + string.Join(", ", ledger.ChallengesCreated.Keys.Where(sid => fcm.Sends.AcceptedCount(sid) == 0)));
        HashSet<(string, string)> Accepted() => hooks.Deliveries.All.Where(d => d.Accepted).Select(d => (d.Field("type") ?? "", Ledger.SubjectOf(d))).ToHashSet();
        await hooks.Deliveries.WaitUntilAsync(_ => promised.IsSubsetOf(Accepted()), Bound, () => "webhooks missing for " + string.Join(", ", promised.Except(Accepted())));
        // The stand-ins log a delivery before they answer it, so the server settles it a moment later.
        await Eventually.WaitAsync(async () => await PendingOutboxAsync(server.DataDirectory) == (0, 0), Bound, "every outbox message settled");

        // Nothing succeeded before the kill, so no send was cut between sending and settling: exactly once each.
        Assert.All(fcm.Sends.AcceptedById(), g => Assert.Single(g));
        Assert.Equal(ledger.ChallengesCreated.Keys.Order(), fcm.Sends.AcceptedById().Select(g => g.Key).Order());
        Assert.All(hooks.Deliveries.AcceptedById(), g => Assert.Single(g));
        Assert.Equal(promised.Count, hooks.Deliveries.AcceptedById().Count);
        // Each entity's webhooks arrive in the order of its events, across the kill.
        Assert.All(phones, p => Assert.Equal(["factor.created", "factor.verified", "challenge.approved"],
            hooks.Deliveries.All.Where(d => d.Accepted && d.Field("entity_identity") == p.Factor.Identity).Select(d => d.Field("type"))));
        // A retry carries the same event id as the refused tries.
        Assert.All(hooks.Deliveries.All, d => Assert.Contains(d.Id, hooks.Deliveries.AcceptedById().Select(g => g.Key)));
        Assert.Empty(fcm.Problems);

        // The acknowledged writes survived too (through the API of the restarted process).
        foreach (var (sid, identity) in ledger.ChallengesCreated)
        {
            var challenge = await backend.GetAsync(0, $"/v2/Services/{serviceSid}/Entities/{identity}/Challenges/{sid}");
            Assert.True(challenge.Status == 200, challenge.ToString());
            Assert.Equal(ledger.Approved.ContainsKey(sid) ? "approved" : "pending", challenge.Json.GetProperty("status").GetString());
        }

        foreach (var (sid, identity) in ledger.FactorsCreated)
        {
            var factor = await backend.GetAsync(0, $"/v2/Services/{serviceSid}/Entities/{identity}/Factors/{sid}");
            Assert.True(factor.Status == 200, factor.ToString());
            Assert.Equal("verified", factor.Json.GetProperty("status").GetString());
        }

        output.WriteLine($"checked after the kill: {ledger.Count} acknowledged writes ({ledger}); delivered once each after the restart: "
            + $"{fcm.Sends.AcceptedById().Count} pushes ({fcm.Sends.All.Count} FCM requests in all), {hooks.Deliveries.AcceptedById().Count} webhooks ({hooks.Deliveries.All.Count} POSTs in all)");
    }

    /// <summary>Pending outbox messages in the SQLite file, read directly (WAL: a reader never blocks the server).</summary>
    private static async Task<(long Push, long Webhook)> PendingOutboxAsync(string dataDirectory)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "openverify.db"), Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(kind = 'push'), 0), COALESCE(SUM(kind = 'webhook'), 0) FROM outbox WHERE state = 'pending'";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
