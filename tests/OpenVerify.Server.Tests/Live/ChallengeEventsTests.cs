using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Live;
using OpenVerify.Server.Tests.Infrastructure;
using OpenVerify.TestKit;

namespace OpenVerify.Server.Tests.Live;

/// <summary>The device event stream, GET …/Challenges/Events (an OpenVerify extension, docs/live.md).</summary>
public sealed class ChallengeEventsTests
{
    [Fact]
    public async Task Pending_challenges_at_open_and_new_ones_arrive_with_the_fetch_json_and_signature_fields()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var before = (await api.CreateChallengeAsync(e)).Str("sid")!;

        await using var stream = await EventStream.OpenAsync(api.Http, e);
        var initial = await stream.UntilConnectedAsync();
        Assert.Equal("challenge", Assert.Single(initial).Type);
        await AssertSameAsFetchAsync(api, e, initial[0], before);

        var after = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var created = await stream.NextEventAsync();
        Assert.Equal("challenge", created.Type);
        await AssertSameAsFetchAsync(api, e, created, after);
        Assert.True(long.Parse(created.Id!, CultureInfo.InvariantCulture) > long.Parse(initial[0].Id!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Approval_and_denial_arrive_as_challenge_updated()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        await using var stream = await EventStream.OpenAsync(api.Http, e);
        Assert.Empty(await stream.UntilConnectedAsync());
        var first = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var second = (await api.CreateChallengeAsync(e)).Str("sid")!;
        Assert.Equal(first, (await stream.NextEventAsync()).Json.Str("sid"));
        Assert.Equal(second, (await stream.NextEventAsync()).Json.Str("sid"));

        await e.Device.ApproveAsync(e.Factor, first);
        var approved = await stream.NextEventAsync();
        Assert.Equal("challenge.updated", approved.Type);
        Assert.Equal("approved", approved.Json.Str("status"));
        Assert.Null(approved.Json["signature_fields"]);
        await AssertSameAsFetchAsync(api, e, approved, first);

        await e.Device.DenyAsync(e.Factor, second);
        var denied = await stream.NextEventAsync();
        Assert.Equal("challenge.updated", denied.Type);
        Assert.Equal((second, "denied"), (denied.Json.Str("sid"), denied.Json.Str("status")));
    }

    [Fact]
    public async Task Last_event_id_resumes_without_losing_or_repeating_an_event()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var old = (await api.CreateChallengeAsync(e)).Str("sid")!;
        string lastSeen;
        string seen;
        await using (var stream = await EventStream.OpenAsync(api.Http, e))
        {
            Assert.Equal(old, Assert.Single(await stream.UntilConnectedAsync()).Json.Str("sid"));
            seen = (await api.CreateChallengeAsync(e)).Str("sid")!;
            var next = await stream.NextEventAsync();
            Assert.Equal(seen, next.Json.Str("sid"));
            lastSeen = next.Id!;
        }

        // While the device is away: one new challenge, one answered, one created and answered.
        var missed = (await api.CreateChallengeAsync(e)).Str("sid")!;
        await e.Device.ApproveAsync(e.Factor, seen);
        var gone = (await api.CreateChallengeAsync(e)).Str("sid")!;
        await e.Device.DenyAsync(e.Factor, gone);

        await using var resumed = await EventStream.OpenAsync(api.Http, e, lastEventId: lastSeen);
        Assert.Empty(await resumed.UntilConnectedAsync());
        var replayed = new List<ServerEvent> { await resumed.NextEventAsync(), await resumed.NextEventAsync(), await resumed.NextEventAsync() };
        Assert.Equal(
            [("challenge", missed, "pending"), ("challenge.updated", seen, "approved"), ("challenge.updated", gone, "denied")],
            replayed.Select(r => (r.Type, r.Json.Str("sid"), r.Json.Str("status"))).ToList());
        Assert.Equal(replayed.Select(r => r.Id), replayed.Select(r => r.Id).Order(StringComparer.Ordinal).Distinct());

        // Nothing else is owed (the old pending one was before the cursor): the next thing is a heartbeat.
        api.Clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal("heartbeat", (await resumed.NextAsync())!.Comment);

        // And the stream goes on live after the replay.
        var live = (await api.CreateChallengeAsync(e)).Str("sid")!;
        Assert.Equal(live, (await resumed.NextEventAsync()).Json.Str("sid"));
    }

    [Fact]
    public async Task A_malformed_last_event_id_is_refused_with_60200()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        using var response = await EventStream.SendAsync(api.Http, EventStream.PathOf(e), "token", e.Device.CreateDeviceJwt(e.Factor), lastEventId: "12abc");
        await ExpectErrorAsync(response, 60200, 400);
    }

    [Fact]
    public async Task An_idle_stream_sends_a_heartbeat_comment_every_15_seconds()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        await using var stream = await EventStream.OpenAsync(api.Http, e);
        await stream.UntilConnectedAsync();

        api.Clock.Advance(TimeSpan.FromSeconds(14));
        var created = (await api.CreateChallengeAsync(e)).Str("sid")!;
        // The event came first: 14 s were not yet a heartbeat.
        Assert.Equal(created, (await stream.NextAsync())!.Json.Str("sid"));
        api.Clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal("heartbeat", (await stream.NextAsync())!.Comment);
        api.Clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal("heartbeat", (await stream.NextAsync())!.Comment);
    }

    [Fact]
    public async Task The_stream_ends_when_the_device_jwt_it_was_opened_with_expires()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        // The emulator's JWT lives 600 s; the server accepts it for 60 s of clock difference more.
        await using var stream = await EventStream.OpenAsync(api.Http, e);
        await stream.UntilConnectedAsync();

        api.Clock.Advance(TimeSpan.FromSeconds(659));
        // Still open: a challenge created now arrives (after the heartbeat the jump was due).
        var created = (await api.CreateChallengeAsync(e)).Str("sid")!;
        Assert.Equal(created, (await stream.NextEventAsync()).Json.Str("sid"));

        api.Clock.Advance(TimeSpan.FromSeconds(1));
        ServerEvent? next;
        do
        {
            next = await stream.NextAsync();
        }
        while (next is { Comment: "heartbeat" });
        Assert.Null(next);
    }

    [Fact]
    public async Task A_deleted_factors_stream_ends_at_once()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        await using var stream = await EventStream.OpenAsync(api.Http, e);
        await stream.UntilConnectedAsync();

        await e.Device.DeleteFactorAsync(e.Factor);

        Assert.Null(await stream.NextAsync());
    }

    [Fact]
    public async Task Expiry_arrives_as_challenge_updated_and_is_stored()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var expiry = api.Clock.GetUtcNow().AddSeconds(30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var sid = (await api.CreateChallengeAsync(e, ("ExpirationDate", expiry))).Str("sid")!;
        await using var stream = await EventStream.OpenAsync(api.Http, e);
        Assert.Single(await stream.UntilConnectedAsync());

        api.Clock.Advance(TimeSpan.FromSeconds(30));

        var expired = await stream.NextEventAsync();
        Assert.Equal(("challenge.updated", sid, "expired"), (expired.Type, expired.Json.Str("sid"), expired.Json.Str("status")));
        var stored = (await api.Account.GetAsync($"{e.EntityPath}/Challenges?FactorSid={e.Factor.Sid}&Status=expired")).Expect(200);
        Assert.Equal([sid], stored.Sids("challenges"));
    }

    [Fact]
    public async Task Another_accounts_device_gets_404_and_another_factors_jwt_gets_401()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sibling = await api.EnrolAsync(e.ServiceSid, e.Identity);
        var stranger = await api.EnrolNewAsync();

        // A device of another service (here: of the same account; another account's is refused the same way) sees nothing.
        using (var response = await EventStream.SendAsync(api.Http, EventStream.PathOf(e), "token", stranger.Device.CreateDeviceJwt(stranger.Factor)))
        {
            await ExpectErrorAsync(response, 20404, 404);
        }

        // Another factor of the same entity may not watch this one.
        using (var response = await EventStream.SendAsync(api.Http, EventStream.PathOf(e), "token", sibling.Device.CreateDeviceJwt(sibling.Factor)))
        {
            await ExpectErrorAsync(response, 20003, 401);
        }

        // Backend credentials are not a device.
        using (var response = await EventStream.SendAsync(api.Http, EventStream.PathOf(e), api.AccountSid, api.AuthToken))
        {
            await ExpectErrorAsync(response, 20003, 401);
        }
    }

    [Fact]
    public async Task Another_accounts_device_jwt_on_this_path_gets_404()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var other = await api.CreateOtherAccountAsync();
        var otherService = (await other.PostAsync("/v2/Services", ("FriendlyName", "Other"))).Expect(201).Str("sid")!;
        var otherToken = (await other.PostAsync($"/v2/Services/{otherService}/AccessTokens", ("Identity", e.Identity), ("FactorType", "push"))).Expect(201).Str("token")!;
        var device = api.Device(seed: 7);
        var factor = await device.CreateFactorAsync(otherService, e.Identity, otherToken);
        Assert.Equal("verified", await device.VerifyFactorAsync(factor));

        using var response = await EventStream.SendAsync(api.Http, EventStream.PathOf(e), "token", device.CreateDeviceJwt(factor));

        await ExpectErrorAsync(response, 20404, 404);
    }

    [Fact]
    public async Task Streams_beyond_the_limits_per_factor_and_per_instance_get_503()
    {
        await using var api = await TestApi.StartAsync(new Dictionary<string, string?>
        {
            ["OpenVerify:Live:MaxStreamsPerFactor"] = "1",
            ["OpenVerify:Live:MaxStreams"] = "2",
        });
        var a = await api.EnrolNewAsync();
        var b = await api.EnrolNewAsync();
        var c = await api.EnrolNewAsync();
        var feed = api.Services.GetRequiredService<ChallengeFeed>();

        var first = await EventStream.OpenAsync(api.Http, a);
        await first.UntilConnectedAsync();
        using (var response = await EventStream.SendAsync(api.Http, EventStream.PathOf(a), "token", a.Device.CreateDeviceJwt(a.Factor)))
        {
            await ExpectErrorAsync(response, 20503, 503);
        }

        await using var second = await EventStream.OpenAsync(api.Http, b);
        await second.UntilConnectedAsync();
        using (var response = await EventStream.SendAsync(api.Http, EventStream.PathOf(c), "token", c.Device.CreateDeviceJwt(c.Factor)))
        {
            await ExpectErrorAsync(response, 20503, 503);
        }

        // A closed stream gives its place back.
        await first.DisposeAsync();
        await Eventually.WaitAsync(() => Task.FromResult(feed.OpenStreams == 1), TimeSpan.FromSeconds(10), "the closed stream's slot is released");
        await using var third = await EventStream.OpenAsync(api.Http, a);
        await third.UntilConnectedAsync();
    }

    /// <summary>The event's data is the fetch body, plus <c>signature_fields</c> (the fetch's header) while pending.</summary>
    internal static async Task AssertSameAsFetchAsync(TestApi api, Enrolment e, ServerEvent @event, string sid)
    {
        var fetched = await api.Account.GetAsync(e.ChallengePath(sid));
        var expected = fetched.Expect(200);
        var data = @event.Json;
        Assert.Equal(fetched.Header("Twilio-Verify-Signature-Fields"), data.Str("signature_fields"));
        data.Remove("signature_fields");
        Assert.True(JsonNode.DeepEquals(expected, data), $"event data {data.ToJsonString()} differs from fetch {expected.ToJsonString()}");
    }

    internal static async Task ExpectErrorAsync(HttpResponseMessage response, int code, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, (int)response.StatusCode);
        var json = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(code, json["code"]!.GetValue<int>());
        Assert.Equal(status, json["status"]!.GetValue<int>());
        Assert.NotNull(json.Str("message"));
        Assert.NotNull(json.Str("more_info"));
    }
}
