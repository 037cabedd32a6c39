using System.Collections.Concurrent;
using OpenVerify.TestKit.Devices;
using Twilio.Rest.Verify.V2;
using Twilio.Rest.Verify.V2.Service;
using Twilio.Rest.Verify.V2.Service.Entity;
using Xunit.Abstractions;

namespace OpenVerify.EndToEnd.Tests;

/// <summary>
/// SQLite commits approvals in groups (one commit for every answer queued at that moment). A
/// SIGKILL in the middle of a burst of concurrent approvals must lose none that were acknowledged.
/// </summary>
public sealed class ApprovalCrashTests(ITestOutputHelper output)
{
    private const int Devices = 8;
    private const int ChallengesPerDevice = 12;

    [Fact]
    public async Task Approvals_acknowledged_before_a_sigkill_during_a_burst_survive_the_restart()
    {
        TwilioHelper.UseInvariantCulture();
        await using var server = await ServerProcess.StartAsync();
        try
        {
            await RunAsync(server);
        }
        catch
        {
            output.WriteLine(server.Output);
            throw;
        }
    }

    private async Task RunAsync(ServerProcess server)
    {
        var backend = TwilioHelper.Client(server.BaseUrl, server.AccountSid, server.AuthToken);
        var service = await ServiceResource.CreateAsync(friendlyName: "Crash during approvals", client: backend);
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5) }) { Timeout = TimeSpan.FromSeconds(20) };

        // Devices enrolled, verified, and their challenges created, all before the burst.
        var phones = new List<(DeviceEmulator Phone, DeviceFactor Factor, string Identity, List<string> Challenges)>();
        for (var d = 0; d < Devices; d++)
        {
            var identity = "user-" + Guid.NewGuid().ToString("N");
            var token = await AccessTokenResource.CreateAsync(service.Sid, identity, AccessTokenResource.FactorTypesEnum.Push, client: backend);
            var phone = new DeviceEmulator(http, DeviceFlavour.Android, baseUrl: server.DeviceBaseUrl, seed: d + 1) { PushToken = null };
            var factor = await phone.CreateFactorAsync(service.Sid, identity, token.Token, "Phone " + d);
            Assert.Equal("verified", await phone.VerifyFactorAsync(factor));
            var sids = new List<string>();
            for (var c = 0; c < ChallengesPerDevice; c++)
            {
                sids.Add((await ChallengeResource.CreateAsync(service.Sid, identity, factor.Sid, detailsMessage: $"burst {d}-{c}", client: backend)).Sid);
            }

            phones.Add((phone, factor, identity, sids));
        }

        // Every device answers its challenges one after another (approve, deny alternately), all at once.
        var acknowledged = new ConcurrentDictionary<string, string>();
        var enoughAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = 0;
        async Task Answer((DeviceEmulator Phone, DeviceFactor Factor, string Identity, List<string> Challenges) device)
        {
            for (var i = 0; i < device.Challenges.Count && Volatile.Read(ref killed) == 0; i++)
            {
                var status = i % 2 == 0 ? "approved" : "denied";
                try
                {
                    var authPayload = await device.Phone.PrepareAnswerAsync(device.Factor, device.Challenges[i], status);
                    var answer = await device.Phone.SendAnswerAsync(device.Factor, device.Challenges[i], authPayload);
                    Assert.Equal(200, answer.StatusCode);
                    acknowledged[device.Challenges[i]] = status;
                    if (acknowledged.Count >= Devices * 3)
                    {
                        enoughAcknowledged.TrySetResult();
                    }
                }
                catch (Exception e) when (e is HttpRequestException or DeviceException or TaskCanceledException && Volatile.Read(ref killed) == 1)
                {
                    // The server died under this request: it was never acknowledged.
                    return;
                }
            }
        }

        var answering = Task.WhenAll(phones.Select(p => Task.Run(() => Answer(p))));
        await Task.WhenAny(enoughAcknowledged.Task, answering).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(answering.IsCompleted, "the devices finished before the kill; nothing was in flight");
        Volatile.Write(ref killed, 1);
        var exitCode = await server.KillAsync();
        await answering.WaitAsync(TimeSpan.FromSeconds(30));
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(137, exitCode); // 128 + SIGKILL
        }

        output.WriteLine($"{acknowledged.Count} of {Devices * ChallengesPerDevice} answers acknowledged before SIGKILL");
        await server.StartAgainAsync();

        var answeredWithoutAcknowledgement = 0;
        foreach (var (_, _, identity, sids) in phones)
        {
            foreach (var sid in sids)
            {
                var status = (await ChallengeResource.FetchAsync(service.Sid, identity, sid, client: backend)).Status.ToString();
                if (acknowledged.TryGetValue(sid, out var answered))
                {
                    Assert.Equal(answered, status);
                }
                else if (status != "pending")
                {
                    answeredWithoutAcknowledgement++;
                }
            }
        }

        // An answer in flight at the kill may have committed without its 200 arriving: at most one per device.
        output.WriteLine($"{answeredWithoutAcknowledgement} answers committed without their acknowledgement");
        Assert.InRange(answeredWithoutAcknowledgement, 0, Devices);
    }
}
