using static OpenVerify.Server.Tests.Challenges.PushFatigueSupport;

namespace OpenVerify.Server.Tests.Challenges;

public sealed class DenyAndReportTests
{
    [Theory]
    [InlineData("true")]
    [InlineData(null)]
    public async Task A_signed_report_denies_emits_denied_and_reported_and_counts(string? formField)
    {
        await using var api = await TestApi.StartAsync(TestApi.OffMachineGuard());
        var e = await api.EnrolNewAsync();
        var reportedHook = await SubscribeAsync(api, e.ServiceSid, "challenge.reported");
        var twilioHook = await SubscribeAsync(api, e.ServiceSid, "*");
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var response = await AnswerAsync(e, sid, "denied", reported: true, reportedField: formField);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(("denied", "reported", "none"), (response.Json.Str("status"), response.Json.Str("denial_reason"), response.Json.Str("responded_reason")));
        Assert.Equal("reported", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("denial_reason"));
        Assert.Equal(["challenge.reported"], await EventsAsync(api, e.ServiceSid, reportedHook));
        Assert.Equal(["challenge.denied"], await EventsAsync(api, e.ServiceSid, twilioHook));
        var counters = await CountersAsync(api, e.ServiceSid);
        Assert.Equal((1, 1, 0), (counters.Int("reported_challenges"), counters.Int("denied_challenges"), counters.Int("wrong_number_denials")));
    }

    [Fact]
    public async Task A_twilio_sdk_denial_stays_a_plain_denial()
    {
        await using var api = await TestApi.StartAsync(TestApi.OffMachineGuard());
        var e = await api.EnrolNewAsync();
        var reportedHook = await SubscribeAsync(api, e.ServiceSid, "challenge.reported", "challenge.denied");
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        await e.Device.DenyAsync(e.Factor, sid);
        Assert.False((await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).ContainsKey("denial_reason"));
        Assert.Equal(["challenge.denied"], await EventsAsync(api, e.ServiceSid, reportedHook));
        Assert.Equal(0, (await CountersAsync(api, e.ServiceSid)).Int("reported_challenges"));
    }

    [Theory]
    [InlineData("denied", null, "true")]   // the form asks, the signature does not say so
    [InlineData("denied", false, "true")]  // the form and the signature disagree
    [InlineData("approved", true, null)]   // only a denial can be a report
    public async Task A_report_that_is_not_a_signed_denial_is_refused_and_changes_nothing(string status, bool? signed, string? formField)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var response = await AnswerAsync(e, sid, status, reported: signed, reportedField: formField);
        Assert.Equal((403, 60324), (response.StatusCode, response.ErrorCode));
        Assert.Equal("pending", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
    }

    [Fact]
    public async Task A_reported_member_that_is_not_a_boolean_is_refused()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var payload = await e.Device.PrepareAnswerAsync(e.Factor, sid, "denied", extra: new Dictionary<string, JsonNode?> { ["reported"] = "true" });
        var response = await e.Device.SendAnswerAsync(e.Factor, sid, payload);
        Assert.Equal((403, 60324), (response.StatusCode, response.ErrorCode));
    }
}
