using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Webhooks;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpenVerify.Server.Accounts;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Storage;
using OpenVerify.TestKit.Devices;
using Xunit.Abstractions;

namespace OpenVerify.Server.Tests.Storage.Fleet;

/// <summary>
/// Three server instances (Kestrel on loopback, each with its own outbox worker) sharing one
/// PostgreSQL database: requests spread across them must behave as one server.
/// </summary>
// A fleet shares one database: only PostgreSQL serves several instances.
[RunsOn(TestStorage.Postgres)]
public sealed class MultiInstanceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int InstanceCount = 3;
    private const int Users = 12;
    private const int MaxFactors = 3;

    private readonly CancellationToken ct = new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token;
    private readonly DeliveryLog log = new();
    private readonly List<WebApplication> hosts = [];
    private readonly List<HttpClient> clients = [];

    [Fact]
    public async Task Concurrent_flows_across_instances_approve_each_challenge_once_and_deliver_each_event_once()
    {
        var account = await hosts[0].Services.GetRequiredService<AccountBootstrap>().CreateAsync("multi", ct);
        var backend = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(account.Sid + ":" + account.AuthToken)));
        var service = await SendAsync(clients[1], "/v2/Services", backend, new() { ["FriendlyName"] = "Bank" });
        Assert.Equal(HttpStatusCode.Created, service.Status);
        var serviceSid = service.Json.GetProperty("sid").GetString()!;
        // Events only enter the outbox for a service with an enabled webhook; this one is never called
        // (the event handler is a recording stand-in).
        await hosts[2].Services.GetRequiredService<IWebhookStore>().AddAsync(new Webhook
        {
            Sid = Sid.New(SidPrefix.Webhook), AccountSid = account.Sid, ServiceSid = serviceSid, FriendlyName = "events",
            EventTypesJson = "[\"*\"]", WebhookUrl = "http://127.0.0.1:9/unused",
        }, ct);

        var answers = await Task.WhenAll(Enumerable.Range(0, Users).Select(i => Task.Run(() => RunFlowAsync(i, account.Sid, serviceSid, backend))));

        foreach (var perInstance in answers)
        {
            Assert.Single(perInstance, a => a.Status == HttpStatusCode.OK);
            Assert.All(perInstance.Where(a => a.Status != HttpStatusCode.OK), lost =>
            {
                Assert.Equal(HttpStatusCode.Forbidden, lost.Status);
                Assert.Equal(60322, lost.Json.GetProperty("code").GetInt32());
            });
        }

        await WaitForOutboxAsync();
        var counts = log.CountsById();
        Assert.All(counts, c => Assert.Equal(1, c.Value));
        var types = log.Deliveries.Select(d => JsonDocument.Parse(d.Payload).RootElement.GetProperty("type").GetString()).ToList();
        Assert.Equal(Users, types.Count(t => t == VerifyEvent.Types.FactorCreated));
        Assert.Equal(Users, types.Count(t => t == VerifyEvent.Types.FactorVerified));
        Assert.Equal(Users, types.Count(t => t == VerifyEvent.Types.ChallengeApproved));
        await using var c = await OpenAsync();
        Assert.Equal(counts.Count, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox"));
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE attempts <> 1"));
        Assert.Equal(Users, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM challenges WHERE status = 'approved'"));
        Report();
    }

    [Fact]
    public async Task Concurrent_enrolments_for_one_user_across_instances_stop_at_the_factor_limit()
    {
        var account = await hosts[0].Services.GetRequiredService<AccountBootstrap>().CreateAsync("limits", ct);
        var backend = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(account.Sid + ":" + account.AuthToken)));
        var serviceSid = (await SendAsync(clients[0], "/v2/Services", backend, new() { ["FriendlyName"] = "Bank" })).Json.GetProperty("sid").GetString()!;
        const string identity = "user-limited";

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            var client = clients[i % InstanceCount];
            var token = await SendAsync(client, $"/v2/Services/{serviceSid}/AccessTokens", backend, new() { ["Identity"] = identity, ["FactorType"] = "push" });
            var phone = new DeviceEmulator(clients[(i + 1) % InstanceCount], DeviceFlavour.Android) { PushToken = null };
            try
            {
                using var factor = await phone.CreateFactorAsync(serviceSid, identity, token.Json.GetProperty("token").GetString()!, "phone " + i, cancellationToken: ct);
                return (Created: true, Code: (int?)null);
            }
            catch (DeviceException refused) when (refused.Response is not null)
            {
                Assert.Equal(400, refused.Response.StatusCode);
                return (Created: false, Code: refused.Response.ErrorCode);
            }
        })));

        Assert.Equal(MaxFactors, results.Count(r => r.Created));
        Assert.All(results.Where(r => !r.Created), r => Assert.Equal(60315, r.Code));
        await using var c = await OpenAsync();
        Assert.Equal(MaxFactors, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM factors WHERE service_sid = @serviceSid", new { serviceSid }));
        Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entities WHERE service_sid = @serviceSid", new { serviceSid }));
    }

    [Fact]
    public async Task Concurrent_challenges_for_one_factor_across_instances_stop_at_the_pending_limit()
    {
        // Issue #13: the pending limit is counted in the database with the factor's row locked. It is off
        // unless configured, so the service sets the recommended 5.
        var account = await hosts[0].Services.GetRequiredService<AccountBootstrap>().CreateAsync("pending", ct);
        var backend = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(account.Sid + ":" + account.AuthToken)));
        var serviceSid = (await SendAsync(clients[0], "/v2/Services", backend, new() { ["FriendlyName"] = "Bank", ["Push.PendingLimit"] = "5" })).Json.GetProperty("sid").GetString()!;
        const string identity = "user-pending";
        var entity = $"/v2/Services/{serviceSid}/Entities/{identity}";
        var token = await SendAsync(clients[1], $"/v2/Services/{serviceSid}/AccessTokens", backend, new() { ["Identity"] = identity, ["FactorType"] = "push" });
        using var factor = await new DeviceEmulator(clients[2], DeviceFlavour.Android) { PushToken = null }
            .CreateFactorAsync(serviceSid, identity, token.Json.GetProperty("token").GetString()!, "phone", cancellationToken: ct);
        Assert.Equal("verified", await new DeviceEmulator(clients[0], DeviceFlavour.Android).VerifyFactorAsync(factor, ct));

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() =>
            SendAsync(clients[i % InstanceCount], entity + "/Challenges", backend, new() { ["FactorSid"] = factor.Sid, ["Details.Message"] = "Log in " + i + "?" }))));

        Assert.Equal(5, results.Count(r => r.Status == HttpStatusCode.Created));
        Assert.All(results.Where(r => r.Status != HttpStatusCode.Created), r =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, r.Status);
            Assert.Equal(20429, r.Json.GetProperty("code").GetInt32());
            Assert.Equal("true", Assert.Single(r.Headers.GetValues("Twilio-Reached-Rate-Limit")));
        });
        await using var c = await OpenAsync();
        Assert.Equal(5, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM challenges WHERE factor_sid = @f AND status = 'pending'", new { f = factor.Sid }));
    }

    [Fact]
    public async Task Three_outbox_workers_deliver_every_message_exactly_once()
    {
        const int total = 300;
        await EnqueueAsync(Enumerable.Range(0, total).Select(i => new OutboxMessage(OutboxKinds.Push, "{\"n\":" + i + "}")));

        await WaitForOutboxAsync();

        Assert.Equal(total, log.Deliveries.Count);
        Assert.Equal(total, log.CountsById().Count);
        await using var c = await OpenAsync();
        Assert.Equal(total, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox_attempts"));
        Report();
    }

    [Fact]
    public async Task A_dead_instances_claims_are_taken_over_after_its_lease()
    {
        const int total = 20;
        var outbox = hosts[0].Services.GetRequiredService<IOutbox>();
        var later = TimeProvider.System.GetUtcNow().AddSeconds(60);
        await EnqueueAsync(Enumerable.Range(0, total).Select(i => new OutboxMessage(OutboxKinds.Push, "{\"n\":" + i + "}", DueAt: later)));

        // An instance claims them (its clock says they are due) and dies before delivering anything.
        var wall = TimeProvider.System.GetUtcNow();
        var claimed = await outbox.ClaimAsync([OutboxKinds.Push], "dead-instance", later, wall + TimeSpan.FromSeconds(2), 100, ct);
        Assert.Equal(total, claimed.Count);
        await using (var c = await OpenAsync())
        {
            await c.ExecuteAsync("UPDATE outbox SET due_at = @now", new { now = wall.ToUnixTimeMilliseconds() });
        }

        await WaitForOutboxAsync();

        Assert.Equal(total, log.Deliveries.Count);
        Assert.All(log.CountsById(), c => Assert.Equal(1, c.Value));
        Assert.DoesNotContain(log.Deliveries, d => d.Instance == "dead-instance");
        await using (var c = await OpenAsync())
        {
            Assert.Equal(total, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE state = 'done' AND attempts = 2"));
        }

        // The dead instance comes back and settles what it had claimed: nothing changes.
        foreach (var message in claimed)
        {
            await outbox.SettleAsync(message, "dead-instance", OutboxOutcome.Dead("stale"), TimeProvider.System.GetUtcNow(), ct);
        }

        await using (var c = await OpenAsync())
        {
            Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE state <> 'done'"));
            Assert.Equal(total, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox_attempts"));
        }
    }

    /// <summary>Enrol through one instance, verify through another, challenge through a third, and answer on all three at once.</summary>
    private async Task<(HttpStatusCode Status, JsonElement Json)[]> RunFlowAsync(int user, string accountSid, string serviceSid, AuthenticationHeaderValue backend)
    {
        var identity = $"user-{user:D4}";
        var entity = $"/v2/Services/{serviceSid}/Entities/{identity}";
        HttpClient On(int offset) => clients[(user + offset) % InstanceCount];

        var token = await SendAsync(On(0), $"/v2/Services/{serviceSid}/AccessTokens", backend, new() { ["Identity"] = identity, ["FactorType"] = "push" });
        Assert.Equal(HttpStatusCode.Created, token.Status);

        // One phone, seen by each instance: the emulators share the factor (and so its key), not a connection.
        var phones = clients.Select(c => new DeviceEmulator(c, DeviceFlavour.Android) { PushToken = null }).ToArray();
        DeviceEmulator PhoneOn(int offset) => phones[(user + offset) % InstanceCount];
        using var factor = await PhoneOn(1).CreateFactorAsync(serviceSid, identity, token.Json.GetProperty("token").GetString()!, "phone", cancellationToken: ct);
        Assert.Equal(accountSid, factor.AccountSid);

        Assert.Equal("verified", await PhoneOn(2).VerifyFactorAsync(factor, ct));

        var challenge = await SendAsync(On(0), entity + "/Challenges", backend, new() { ["FactorSid"] = factor.Sid, ["Details.Message"] = "Log in?" });
        Assert.Equal(HttpStatusCode.Created, challenge.Status);
        var challengeSid = challenge.Json.GetProperty("sid").GetString()!;

        var answer = await PhoneOn(1).PrepareAnswerAsync(factor, challengeSid, "approved", ct);

        return await Task.WhenAll(phones.Select(async phone =>
        {
            var r = await phone.SendAnswerAsync(factor, challengeSid, answer, ct);
            return ((HttpStatusCode)r.StatusCode, JsonDocument.Parse(r.Body).RootElement.Clone());
        }));
    }

    private async Task<(HttpStatusCode Status, JsonElement Json, HttpResponseHeaders Headers)> SendAsync(
        HttpClient client, string path, AuthenticationHeaderValue authorization, Dictionary<string, string>? form)
    {
        using var request = new HttpRequestMessage(form is null ? HttpMethod.Get : HttpMethod.Post, path);
        request.Headers.Authorization = authorization;
        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form);
        }

        using var response = await client.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var json = body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
        return (response.StatusCode, json, response.Headers);
    }

    private Task EnqueueAsync(IEnumerable<OutboxMessage> messages)
    {
        var database = hosts[0].Services.GetRequiredService<IDatabase>();
        return database.WriteAsync(w => hosts[0].Services.GetRequiredService<IOutbox>().AddAsync(w, messages), ct);
    }

    private async Task WaitForOutboxAsync()
    {
        while (true)
        {
            await using (var c = await OpenAsync())
            {
                if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE state <> 'done'") == 0)
                {
                    return;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }

    private Task<System.Data.Common.DbConnection> OpenAsync() => hosts[0].Services.GetRequiredService<IDatabase>().OpenReadAsync(ct);

    private void Report()
    {
        foreach (var group in log.Deliveries.GroupBy(d => d.Instance).OrderBy(g => g.Key))
        {
            output.WriteLine($"{group.Key}: {group.Count()} deliveries");
        }
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var connectionString = await TestStorage.CreatePostgresDatabaseAsync("multi");

        // Started together on an empty database: the migration lock makes them take turns.
        var started = await Task.WhenAll(Enumerable.Range(0, InstanceCount).Select(i => StartAsync("instance-" + i, connectionString)));
        foreach (var (app, address) in started)
        {
            hosts.Add(app);
            clients.Add(new HttpClient { BaseAddress = new Uri(address) });
        }
    }

    private async Task<(WebApplication App, string Address)> StartAsync(string instance, string connectionString)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OpenVerify:Storage"] = "postgres",
            ["OpenVerify:Connection"] = connectionString,
            ["OpenVerify:OutboxPollInterval"] = "00:00:00.050",
            ["OpenVerify:OutboxLease"] = "00:00:05",
            ["OpenVerify:OutboxBatchSize"] = "16",
            ["OpenVerify:MaxPushFactorsPerEntity"] = MaxFactors.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddOpenVerify(builder.Configuration);
        builder.Services.RemoveAll<IOutboxHandler>();
        foreach (var kind in (string[])[OutboxKinds.Event, OutboxKinds.Push, OutboxKinds.Webhook])
        {
            builder.Services.AddSingleton<IOutboxHandler>(new RecordingHandler(kind, instance, log));
        }

        var app = builder.Build();
        app.MapOpenVerify();
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return (app, address);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }

        foreach (var app in hosts)
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }
}
