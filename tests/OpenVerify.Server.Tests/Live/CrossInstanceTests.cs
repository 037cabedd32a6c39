using OpenVerify.Server.Tests.Infrastructure;

namespace OpenVerify.Server.Tests.Live;

/// <summary>
/// Two servers on one PostgreSQL database (PostgreSQL only: on SQLite the live channel is in-process by
/// design, one server per file). Changes reach the other instance's streams and waits through
/// LISTEN/NOTIFY.
/// </summary>
[RunsOn(TestStorage.Postgres)]
public sealed class CrossInstanceTests
{
    [Fact]
    public async Task A_challenge_created_on_one_instance_arrives_on_a_stream_held_by_the_other()
    {
        await using var api = await TestApi.StartAsync(new Dictionary<string, string?>());
        await using var twin = await api.StartTwinAsync();
        var e = await api.EnrolNewAsync();
        await using var stream = await EventStream.OpenAsync(twin.Http, e);
        Assert.Empty(await stream.UntilConnectedAsync());

        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var created = await stream.NextEventAsync();
        Assert.Equal(("challenge", sid), (created.Type, created.Json.Str("sid")));
        await ChallengeEventsTests.AssertSameAsFetchAsync(twin, e, created, sid);

        // The answer goes to the first instance; the stream on the twin sees it, and so does a wait there.
        var waiting = twin.Account.GetAsync(e.ChallengePath(sid) + "?WaitSeconds=30");
        await e.Device.ApproveAsync(e.Factor, sid);
        var updated = await stream.NextEventAsync();
        Assert.Equal(("challenge.updated", "approved"), (updated.Type, updated.Json.Str("status")));
        Assert.Equal("approved", (await waiting.WaitAsync(TimeSpan.FromSeconds(20))).Expect(200).Str("status"));
    }

    [Fact]
    public async Task A_factor_deleted_on_one_instance_ends_its_stream_on_the_other()
    {
        await using var api = await TestApi.StartAsync(new Dictionary<string, string?>());
        await using var twin = await api.StartTwinAsync();
        var e = await api.EnrolNewAsync();
        await using var stream = await EventStream.OpenAsync(twin.Http, e);
        await stream.UntilConnectedAsync();

        (await api.Account.DeleteAsync(e.FactorPath)).Expect(204);

        Assert.Null(await stream.NextAsync());
    }

    [Fact]
    public async Task Changes_of_one_factor_from_two_instances_resume_in_order_without_gaps()
    {
        await using var api = await TestApi.StartAsync(new Dictionary<string, string?>());
        await using var twin = await api.StartTwinAsync();
        var e = await api.EnrolNewAsync();
        var created = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => (i % 2 == 0 ? api : twin).CreateChallengeAsync(e))));

        await using var stream = await EventStream.OpenAsync(api.Http, e, lastEventId: "0");
        Assert.Empty(await stream.UntilConnectedAsync());
        var ids = new List<long>();
        var sids = new HashSet<string>();
        for (var i = 0; i < created.Length; i++)
        {
            var next = await stream.NextEventAsync();
            ids.Add(long.Parse(next.Id!, System.Globalization.CultureInfo.InvariantCulture));
            sids.Add(next.Json.Str("sid")!);
        }

        // One number per change, 1..20: none lost, none shared, whichever instance wrote it.
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), ids);
        Assert.Equal(created.Select(c => c.Str("sid")!).ToHashSet(), sids);
    }
}
