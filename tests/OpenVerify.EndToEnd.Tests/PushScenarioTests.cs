using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using OpenVerify.TestKit.Devices;
using OpenVerify.TestKit.Webhooks;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Rest.Verify.V2;
using Twilio.Rest.Verify.V2.Service;
using Twilio.Rest.Verify.V2.Service.Entity;
using Twilio.Rest.Verify.V2.Service.Entity.Challenge;
using Twilio.Security;
using Xunit.Abstractions;

namespace OpenVerify.EndToEnd.Tests;

/// <summary>
/// The seed's two sequences against the real server process: the app backend through Twilio's C#
/// helper, the phone through the device emulator. The server is SIGKILLed mid-scenario and restarted
/// on the same data; everything it acknowledged before the kill must still be there.
/// </summary>
public sealed partial class PushScenarioTests(ITestOutputHelper output)
{
    private const int BurstWriters = 4;

    private static readonly Regex TwilioDate = TwilioDatePattern();

    [Fact]
    public async Task Backend_and_device_sequences_survive_a_sigkill_of_the_server()
    {
        TwilioHelper.UseInvariantCulture();
        await using var receiver = await WebhookReceiver.StartAsync();
        // The backend's webhook receiver runs on this machine, so this server may call loopback URLs.
        await using var server = await ServerProcess.StartAsync(new ServerProcessOptions
        {
            Environment = new Dictionary<string, string> { ["OpenVerify__Webhooks__AllowPrivateNetworks"] = "true" },
        });
        try
        {
            await RunScenarioAsync(server, receiver);
        }
        catch
        {
            output.WriteLine(server.Output);
            throw;
        }
    }

    private async Task RunScenarioAsync(ServerProcess server, WebhookReceiver receiver)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Step(string name) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.00}s {name}");
        var backend = TwilioHelper.Client(server.BaseUrl, server.AccountSid, server.AuthToken);
        var identity = "user-" + Guid.NewGuid().ToString("N");

        // ---- Backend: service, webhook, enrolment access token --------------------------------
        Step("Backend: service, webhook, enrolment access token");
        var service = await ServiceResource.CreateAsync(friendlyName: "E2E Push", client: backend);
        Assert.Matches("^VA[0-9a-f]{32}$", service.Sid);
        Assert.Equal(server.AccountSid, service.AccountSid);

        var hookUrl = receiver.BaseUrl + "/hook?x=1";
        var webhook = await WebhookResource.CreateAsync(
            service.Sid, "e2e hook", ["factor.created", "challenge.approved"], hookUrl,
            status: WebhookResource.StatusEnum.Enabled, version: WebhookResource.VersionEnum.V2, client: backend);
        Assert.Equal(["factor.created", "challenge.approved"], webhook.EventTypes);

        var accessToken = await AccessTokenResource.CreateAsync(
            service.Sid, identity, AccessTokenResource.FactorTypesEnum.Push, factorFriendlyName: "Pixel 8", ttl: 300, client: backend);
        Assert.Matches("^YK[0-9a-f]{32}$", accessToken.Sid);
        Assert.Equal(identity, accessToken.EntityIdentity);
        Assert.False(string.IsNullOrEmpty(accessToken.Token));

        // ---- Device: create factor, verify ----------------------------------------------------
        Step("Device: create factor, verify");
        // Note: platform none (no push token): the phone polls with R6 Status=pending.
        using var phoneHttp = DeviceHttp();
        var phone = new DeviceEmulator(phoneHttp, DeviceFlavour.Android, baseUrl: server.DeviceBaseUrl) { PushToken = null };
        using var factor = await phone.CreateFactorAsync(service.Sid, identity, accessToken.Token, "Pixel 8", metadata: new Dictionary<string, string> { ["os"] = "Android" });
        Assert.Equal("unverified", factor.Status);
        var createdJson = phone.LastResponse!.Json!;
        Assert.Equal(201, phone.LastResponse.StatusCode);
        Assert.Matches(TwilioDate, createdJson["date_created"]!.GetValue<string>());
        Assert.Equal("Android", createdJson["metadata"]!["os"]!.GetValue<string>());
        Assert.Equal("verified", await phone.VerifyFactorAsync(factor));
        var factorSid = factor.Sid;

        // ---- Backend: challenge with message, fields, hidden details and expiry ------------------
        Step("Backend: challenge with message, fields, hidden details and expiry");
        var expiry = Truncate(TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(30));
        Assert.Equal(DateTimeKind.Utc, expiry.Kind);
        var first = await ChallengeResource.CreateAsync(
            service.Sid, identity, factorSid,
            expirationDate: expiry,
            detailsMessage: "Hi! Mr. John Doe, would you like to sign up?",
            detailsFields: [new Dictionary<string, string> { ["label"] = "Action", ["value"] = "Sign up in portal" }, new { label = "Location", value = "Berlin, DE & more=yes" }],
            hiddenDetails: new Dictionary<string, string> { ["ip"] = "172.168.1.234" },
            client: backend);
        AssertFirstChallenge(first, factorSid, expiry);

        var second = await ChallengeResource.CreateAsync(service.Sid, identity, factorSid, detailsMessage: "Log in to the portal?", client: backend);
        Assert.Equal(ChallengeResource.ChallengeStatusesEnum.Pending, second.Status);

        // Fetch and list (auto-paging one record per page: next_page_url is followed verbatim).
        var fetched = await ChallengeResource.FetchAsync(service.Sid, identity, first.Sid, client: backend);
        AssertFirstChallenge(fetched, factorSid, expiry);
        var listLog = new RequestLog();
        var lister = TwilioHelper.Client(server.BaseUrl, server.AccountSid, server.AuthToken, log: listLog);
        var listed = (await ChallengeResource.ReadAsync(service.Sid, identity, factorSid: factorSid, pageSize: 1, client: lister)).ToList();
        Assert.Equal([first.Sid, second.Sid], listed.Select(c => c.Sid));
        Assert.Contains(listLog.Entries, e => e.StartsWith("GET " + server.BaseUrl.AbsoluteUri, StringComparison.Ordinal) && e.Contains("PageToken=", StringComparison.Ordinal));

        var notification = await NotificationResource.CreateAsync(service.Sid, identity, first.Sid, ttl: 300, client: backend);
        Assert.Matches("^NT[0-9a-f]{32}$", notification.Sid);
        Assert.Equal(first.Sid, notification.ChallengeSid);
        Assert.Equal(300, notification.Ttl);

        // ---- Device: list pending, newest first, one per page; get; approve -----------------------
        Step("Device: list pending, newest first, one per page; get; approve");
        var page0 = await phone.ListChallengesAsync(factor, pageSize: 1, status: "pending", order: "desc");
        Assert.Equal(0, page0.Page);
        Assert.Equal(1, page0.PageSize);
        Assert.Equal(second.Sid, Assert.Single(page0.Challenges)["sid"]!.GetValue<string>());
        Assert.NotNull(page0.NextPageToken);
        var page1 = await phone.ListChallengesAsync(factor, pageSize: 1, status: "pending", order: "desc", pageToken: page0.NextPageToken);
        Assert.Equal(first.Sid, Assert.Single(page1.Challenges)["sid"]!.GetValue<string>());
        Assert.Null(page1.NextPageToken);

        var (shown, signatureFields, _) = await phone.GetChallengeAsync(factor, first.Sid);
        Assert.Equal("pending", shown["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(signatureFields));
        Assert.DoesNotContain(' ', signatureFields!);
        Assert.All(signatureFields!.Split(','), name => Assert.True(shown.ContainsKey(name), name));
        await phone.ApproveAsync(factor, first.Sid);

        // ---- Backend: the webhook reports the enrolment and the approval, signed -------------------
        Step("Backend: webhooks received");
        var events = await receiver.WaitForAsync(2);
        Assert.Equal(["factor.created", "challenge.approved"], events.Select(r => r["type"]));
        Assert.Equal(factorSid, events[0]["factor_sid"]);
        Assert.Equal(first.Sid, events[1]["challenge_sid"]);
        Assert.Equal("approved", events[1]["challenge_status"]);
        Assert.All(events, r => Assert.Equal(hookUrl, r.Url));
        Assert.All(events, r => Assert.True(new RequestValidator(server.AuthToken).Validate(r.Url, r.Form.ToDictionary(f => f.Key, f => f.Value), r.Headers["X-Twilio-Signature"]), "X-Twilio-Signature"));

        // ---- Backend: an update, an API key and a second account, all acknowledged before the kill --
        Step("Backend: update, API key, second account");
        var disabled = await WebhookResource.UpdateAsync(service.Sid, webhook.Sid, status: WebhookResource.StatusEnum.Disabled, client: backend);
        Assert.Equal(WebhookResource.StatusEnum.Disabled, disabled.Status);
        var (keyExit, keyJson, keyOutput) = await server.CliAsync("keys", "create", "--account", server.AccountSid, "--json");
        Assert.True(keyExit == 0, keyOutput);
        using var key = System.Text.Json.JsonDocument.Parse(keyJson.Trim());
        var withKey = TwilioHelper.Client(server.BaseUrl, key.RootElement.GetProperty("sid").GetString()!, key.RootElement.GetProperty("secret").GetString()!, accountSid: server.AccountSid);
        Assert.Equal(service.Sid, (await ServiceResource.FetchAsync(service.Sid, client: withKey)).Sid);
        var other = await server.CreateAccountAsync();
        var stranger = TwilioHelper.Client(server.BaseUrl, other.Sid, other.AuthToken);
        var strangerService = await ServiceResource.CreateAsync(friendlyName: "Stranger", client: stranger);

        // ---- Writes in flight, then SIGKILL -----------------------------------------------------
        Step("Writes in flight, then SIGKILL");
        var acknowledged = await CreateChallengesUntilKilledAsync(server, backend, service.Sid, identity, factorSid);
        output.WriteLine($"{acknowledged.Count} challenge creations were acknowledged before SIGKILL");

        // ---- Restart on the same data directory and port ----------------------------------------
        Step("Restart on the same data directory and port");
        // The same backend client and phone carry on, as they would against a production restart.
        await server.StartAgainAsync();
        Step("healthy again");

        var afterService = await ServiceResource.FetchAsync(service.Sid, client: backend);
        Assert.Equal("E2E Push", afterService.FriendlyName);
        Step("service fetched");
        var afterWebhook = await WebhookResource.FetchAsync(service.Sid, webhook.Sid, client: backend);
        Assert.Equal(new Uri(hookUrl), afterWebhook.WebhookUrl);
        Assert.Equal(WebhookResource.StatusEnum.Disabled, afterWebhook.Status);
        var entity = await EntityResource.FetchAsync(service.Sid, identity, client: backend);
        Assert.Equal(identity, entity.Identity);
        Assert.Equal(service.Sid, (await ServiceResource.FetchAsync(service.Sid, client: withKey)).Sid);
        Assert.Equal("Stranger", (await ServiceResource.FetchAsync(strangerService.Sid, client: stranger)).FriendlyName);
        var hidden = await Assert.ThrowsAsync<ApiException>(() => ServiceResource.FetchAsync(service.Sid, client: stranger));
        Assert.Equal(404, hidden.Status);
        Assert.Equal(20404, hidden.Code);
        var afterFactor = await FactorResource.FetchAsync(service.Sid, identity, factorSid, client: backend);
        Assert.Equal(FactorResource.FactorStatusesEnum.Verified, afterFactor.Status);
        var approved = await ChallengeResource.FetchAsync(service.Sid, identity, first.Sid, client: backend);
        Assert.Equal(ChallengeResource.ChallengeStatusesEnum.Approved, approved.Status);
        Assert.NotNull(approved.DateResponded);
        AssertFirstChallenge(approved, factorSid, expiry, status: "approved");
        foreach (var (sid, message) in acknowledged)
        {
            var survived = await ChallengeResource.FetchAsync(service.Sid, identity, sid, client: backend);
            Assert.Equal(ChallengeResource.ChallengeStatusesEnum.Pending, survived.Status);
            Assert.Equal(message, (string?)((JObject)survived.Details)["message"]);
        }

        // The access token was used up by the enrolment before the kill, and stays used.
        var replayedToken = new DeviceEmulator(phoneHttp, DeviceFlavour.Android, baseUrl: server.DeviceBaseUrl) { PushToken = null };
        var reuse = await Assert.ThrowsAsync<DeviceException>(() => replayedToken.CreateFactorAsync(service.Sid, identity, accessToken.Token, "Replay"));
        Assert.Equal(401, reuse.StatusCode);

        // ---- Device after the restart: deny ------------------------------------------------------
        Step("Device after the restart: deny");
        await phone.DenyAsync(factor, second.Sid);
        var denied = await ChallengeResource.FetchAsync(service.Sid, identity, second.Sid, client: backend);
        Assert.Equal(ChallengeResource.ChallengeStatusesEnum.Denied, denied.Status);

        // ---- Device whose clock is 20 minutes fast: one 401 with Date, corrected, retried ----------
        Step("Device whose clock is 20 minutes fast: one 401 with Date, corrected, retried");
        Assert.Equal(0, Unauthorized(phone));
        phone.ClockOffset = TimeSpan.FromMinutes(20);
        var pending = await phone.ListChallengesAsync(factor, pageSize: 1000, status: "pending");
        Assert.Equal(1, Unauthorized(phone));
        var rejected = phone.Exchanges[^2];
        Assert.Equal(401, rejected.Response.StatusCode);
        Assert.NotNull(rejected.Response.Header("Date"));
        Assert.Equal(200, phone.Exchanges[^1].Response.StatusCode);
        Assert.InRange(phone.TimeCorrection, -20 * 60 - 30, -20 * 60 + 30);
        var pendingSids = pending.Challenges.Select(c => c["sid"]!.GetValue<string>()).ToHashSet();
        Assert.Subset(pendingSids, acknowledged.Select(a => a.Sid).ToHashSet());
        // A request in flight at the kill may have committed without its 201 arriving: at most one per writer.
        Assert.InRange(pendingSids.Count - acknowledged.Count, 0, BurstWriters);
        if (acknowledged.Count > 0)
        {
            await phone.ApproveAsync(factor, acknowledged[0].Sid);
        }

        // The correction is kept: no further 401s.
        Assert.Equal(1, Unauthorized(phone));

        // A clock 20 minutes slow (the JWT expired before it was made) is recovered the same way.
        phone.ClockOffset = TimeSpan.FromMinutes(-20);
        phone.TimeCorrection = 0;
        await phone.GetChallengeAsync(factor, first.Sid);
        Assert.Equal(2, Unauthorized(phone));
        Assert.InRange(phone.TimeCorrection, 20 * 60 - 30, 20 * 60 + 30);

        // ---- Backend: delete ------------------------------------------------------------------------
        Step("Backend: delete");
        Assert.True(await FactorResource.DeleteAsync(service.Sid, identity, factorSid, client: backend));
        Assert.True(await WebhookResource.DeleteAsync(service.Sid, webhook.Sid, client: backend));
        var gone = await Assert.ThrowsAsync<ApiException>(() => FactorResource.FetchAsync(service.Sid, identity, factorSid, client: backend));
        Assert.Equal(404, gone.Status);
        Assert.Equal(20404, gone.Code);
        var refused = await Assert.ThrowsAsync<DeviceException>(() => phone.GetChallengeAsync(factor, second.Sid));
        Assert.Equal(DeviceErrorKind.Network, refused.Kind);
        Assert.Equal(401, refused.StatusCode);

        // And the deletes, too, survive a SIGKILL.
        var lastExit = await server.KillAsync();
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(137, lastExit);
        }

        await server.StartAgainAsync();
        gone = await Assert.ThrowsAsync<ApiException>(() => FactorResource.FetchAsync(service.Sid, identity, factorSid, client: backend));
        Assert.Equal(404, gone.Status);
        Assert.Equal(20404, gone.Code);
        Assert.Empty(await WebhookResource.ReadAsync(service.Sid, client: backend));
        Assert.True(await ServiceResource.DeleteAsync(service.Sid, client: backend));
        var serviceGone = await Assert.ThrowsAsync<ApiException>(() => ServiceResource.FetchAsync(service.Sid, client: backend));
        Assert.Equal(404, serviceGone.Status);
        Assert.Equal(20404, serviceGone.Code);
        // Disabled before the kill: nothing more was posted, and nothing twice.
        Assert.Equal(2, receiver.Requests.Select(r => r["uuid"]).Distinct().Count());
        Assert.Equal(2, receiver.Requests.Count);
    }

    /// <summary>
    /// Four backends create challenges as fast as they can; once ten have been acknowledged (201) the
    /// server is SIGKILLed while requests are still in flight. Returns every acknowledged creation.
    /// </summary>
    private async Task<List<(string Sid, string Message)>> CreateChallengesUntilKilledAsync(ServerProcess server, ITwilioRestClient backend, string serviceSid, string identity, string factorSid)
    {
        var acknowledged = new ConcurrentQueue<(string Sid, string Message)>();
        var tenAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = 0;

        async Task Writer(int writer)
        {
            for (var n = 0; Volatile.Read(ref killed) == 0 && n < 500; n++)
            {
                var message = $"burst {writer}-{n}";
                try
                {
                    var challenge = await ChallengeResource.CreateAsync(serviceSid, identity, factorSid, detailsMessage: message, client: backend);
                    acknowledged.Enqueue((challenge.Sid, message));
                    if (acknowledged.Count >= 10)
                    {
                        tenAcknowledged.TrySetResult();
                    }
                }
                catch (ApiConnectionException)
                {
                    // The server died under this request: it was never acknowledged.
                    return;
                }
            }
        }

        var writers = Enumerable.Range(0, BurstWriters).Select(w => Task.Run(() => Writer(w))).ToArray();
        // A writer that fails before ten are acknowledged ends the wait with its own error.
        var allWriters = Task.WhenAll(writers);
        await Task.WhenAny(tenAcknowledged.Task, allWriters).WaitAsync(TimeSpan.FromSeconds(30));
        if (allWriters.IsCompleted)
        {
            await allWriters;
            Assert.Fail("The writers stopped before ten creations were acknowledged");
        }

        var exitCode = await server.KillAsync();
        Volatile.Write(ref killed, 1);
        await allWriters.WaitAsync(TimeSpan.FromSeconds(30));
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(137, exitCode); // 128 + SIGKILL
        }

        output.WriteLine($"server exit code after kill: {exitCode}");
        return [.. acknowledged];
    }

    private static void AssertFirstChallenge(ChallengeResource challenge, string factorSid, DateTime expiry, string status = "pending")
    {
        Assert.Matches("^YC[0-9a-f]{32}$", challenge.Sid);
        Assert.Equal(factorSid, challenge.FactorSid);
        Assert.Equal(status, challenge.Status.ToString());
        Assert.Equal(expiry, challenge.ExpirationDate);
        Assert.Equal(DateTimeKind.Utc, challenge.ExpirationDate!.Value.Kind);
        var details = (JObject)challenge.Details;
        Assert.Equal("Hi! Mr. John Doe, would you like to sign up?", (string?)details["message"]);
        var fields = (JArray)details["fields"]!;
        Assert.Equal(2, fields.Count);
        Assert.Equal("Action", (string?)fields[0]["label"]);
        Assert.Equal("Sign up in portal", (string?)fields[0]["value"]);
        Assert.Equal("Location", (string?)fields[1]["label"]);
        Assert.Equal("Berlin, DE & more=yes", (string?)fields[1]["value"]);
        var hidden = (JObject)challenge.HiddenDetails;
        Assert.Equal("172.168.1.234", (string?)hidden["ip"]);
    }

    private static int Unauthorized(DeviceEmulator phone) => phone.Exchanges.Count(e => e.Response.StatusCode == 401);

    /// <summary>The phone's transport; pooled connections die with the server, so they are not kept long.</summary>
    private static HttpClient DeviceHttp() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) }) { Timeout = TimeSpan.FromSeconds(20) };

    private static DateTime Truncate(DateTime utc) => new(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    private static partial Regex TwilioDatePattern();
}
