using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Storage;
using OpenVerify.TestKit.Devices;
using Xunit.Abstractions;

namespace OpenVerify.Server.Tests.Storage;

/// <summary>
/// What one push verification flow asks of the database once the account, service and factor are
/// warm (docs/benchmarks.md quotes these counts): the write path's round trips must not creep back.
/// </summary>
public sealed class StorageActivityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_push_flow_costs_four_reads_and_two_units_of_work()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync(DeviceFlavour.Android);
        await RunFlowAsync(api, e);
        var activity = api.Services.GetRequiredService<IDatabase>().Activity;
        var (reads, units) = (activity.Reads, activity.Units);

        await RunFlowAsync(api, e);

        output.WriteLine($"one flow: {activity.Reads - reads} reads, {activity.Units - units} units of work");
        // list pending, device fetch, the approval's fetch, backend fetch; create and approve.
        Assert.Equal(4, activity.Reads - reads);
        Assert.Equal(2, activity.Units - units);
    }

    /// <summary>The benchmark's flow: backend create, device list pending, fetch, approve, backend fetch.</summary>
    private static async Task RunFlowAsync(TestApi api, Enrolment e)
    {
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var pending = await e.Device.ListChallengesAsync(e.Factor, 20, "pending");
        Assert.Contains(pending.Challenges, c => c.Str("sid") == sid);
        var authPayload = await e.Device.PrepareAnswerAsync(e.Factor, sid, "approved");
        Assert.True((await e.Device.SendAnswerAsync(e.Factor, sid, authPayload)).IsSuccess);
        Assert.Equal("approved", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
    }
}
