using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Live;
using OpenVerify.Server.Tests.Infrastructure;
using OpenVerify.TestKit;

namespace OpenVerify.Server.Tests.Live;

/// <summary>FetchChallenge with WaitSeconds (an OpenVerify extension, docs/live.md).</summary>
public sealed class ChallengeWaitTests
{
    [Fact]
    public async Task An_approval_ends_a_backend_wait_early_and_shows_on_the_stream()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        await using var stream = await EventStream.OpenAsync(api.Http, e);
        await stream.UntilConnectedAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        Assert.Equal(sid, (await stream.NextEventAsync()).Json.Str("sid"));
        var feed = api.Services.GetRequiredService<ChallengeFeed>();

        var waiting = api.Account.GetAsync(e.ChallengePath(sid) + "?WaitSeconds=30");
        await Eventually.WaitAsync(() => Task.FromResult(feed.OpenWaits == 1 || waiting.IsCompleted), TimeSpan.FromSeconds(10), "the backend's request waits");
        Assert.False(waiting.IsCompleted, "a pending challenge's fetch with WaitSeconds=30 answered before anything happened");

        await e.Device.ApproveAsync(e.Factor, sid);

        // The clock has not moved: it is the approval that ended the wait.
        var answered = (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Expect(200);
        Assert.Equal("approved", answered.Str("status"));
        var updated = await stream.NextEventAsync();
        Assert.Equal(("challenge.updated", "approved"), (updated.Type, updated.Json.Str("status")));
        await ChallengeEventsTests.AssertSameAsFetchAsync(api, e, updated, sid);
    }

    [Fact]
    public async Task A_wait_answers_pending_after_its_seconds()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var feed = api.Services.GetRequiredService<ChallengeFeed>();

        var waiting = api.Account.GetAsync(e.ChallengePath(sid) + "?WaitSeconds=5");
        await Eventually.WaitAsync(() => Task.FromResult(feed.OpenWaits == 1 || waiting.IsCompleted), TimeSpan.FromSeconds(10), "the backend's request waits");
        api.Clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(waiting.IsCompleted, "answered before its 5 s");
        api.Clock.Advance(TimeSpan.FromSeconds(1));

        var response = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("pending", response.Expect(200).Str("status"));
        Assert.Equal("sid,factor_sid,date_created,expiration_date,details,hidden_details", response.Header("Twilio-Verify-Signature-Fields"));
    }

    [Fact]
    public async Task A_wait_ends_when_the_challenge_expires()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var expiry = api.Clock.GetUtcNow().AddSeconds(10).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var sid = (await api.CreateChallengeAsync(e, ("ExpirationDate", expiry))).Str("sid")!;
        var feed = api.Services.GetRequiredService<ChallengeFeed>();

        var waiting = api.Account.GetAsync(e.ChallengePath(sid) + "?WaitSeconds=30");
        await Eventually.WaitAsync(() => Task.FromResult(feed.OpenWaits == 1 || waiting.IsCompleted), TimeSpan.FromSeconds(10), "the backend's request waits");
        api.Clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal("expired", (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Expect(200).Str("status"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("30")]
    public async Task WaitSeconds_0_and_30_are_accepted_and_an_answered_challenge_comes_back_at_once(string seconds)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        await e.Device.DenyAsync(e.Factor, sid);

        var response = await api.Account.GetAsync(e.ChallengePath(sid) + "?WaitSeconds=" + seconds).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("denied", response.Expect(200).Str("status"));
    }

    [Fact]
    public async Task WaitSeconds_0_on_a_pending_challenge_is_a_plain_fetch()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;

        var response = await api.Account.GetAsync(e.ChallengePath(sid) + "?WaitSeconds=0").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("pending", response.Expect(200).Str("status"));
        Assert.Equal(0, api.Services.GetRequiredService<ChallengeFeed>().OpenWaits);
    }

    [Theory]
    [InlineData("31")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("")]
    public async Task WaitSeconds_out_of_range_or_not_a_number_is_60200(string seconds)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;

        var response = await api.Account.GetAsync(e.ChallengePath(sid) + "?WaitSeconds=" + Uri.EscapeDataString(seconds));

        response.ExpectError(60200, 400);
    }

    [Fact]
    public async Task Waits_beyond_the_instance_limit_get_503()
    {
        await using var api = await TestApi.StartAsync(new Dictionary<string, string?> { ["OpenVerify:Live:MaxWaits"] = "1" });
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var feed = api.Services.GetRequiredService<ChallengeFeed>();
        var first = api.Account.GetAsync(e.ChallengePath(sid) + "?WaitSeconds=30");
        await Eventually.WaitAsync(() => Task.FromResult(feed.OpenWaits == 1 || first.IsCompleted), TimeSpan.FromSeconds(10), "the first request waits");

        (await api.Account.GetAsync(e.ChallengePath(sid) + "?WaitSeconds=30")).ExpectError(20503, 503);

        api.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("pending", (await first.WaitAsync(TimeSpan.FromSeconds(10))).Expect(200).Str("status"));
    }
}
