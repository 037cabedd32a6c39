using OpenVerify.TestKit.Devices;
using static OpenVerify.Server.Tests.Challenges.PushFatigueSupport;

namespace OpenVerify.Server.Tests.Challenges;

public sealed class NumberMatchingTests
{
    private static async Task<Enrolment> NumberMatchedAsync(TestApi api, DeviceFlavour flavour = DeviceFlavour.Android) =>
        await api.EnrolAsync(await api.CreateServiceAsync("Matched", ("Push.NumberMatching", "true")), flavour: flavour);

    [Fact]
    public async Task Off_by_default_the_wire_has_no_number_fields()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var service = (await api.Account.GetAsync($"/v2/Services/{e.ServiceSid}")).Expect(200);
        Assert.False(service["push"]!["number_matching"]!.GetValue<bool>());
        Assert.Null(service["push"]!["pending_limit"]);
        var created = await api.CreateChallengeAsync(e);
        Assert.False(created.ContainsKey("number_match"));
        Assert.False(created.ContainsKey("denial_reason"));
        var seen = (await e.Device.GetChallengeAsync(e.Factor, created.Str("sid")!)).Body;
        Assert.False(seen.ContainsKey("number_choices"));
        Assert.False(seen.ContainsKey("number_match"));
    }

    [Fact]
    public async Task The_setting_is_echoed_and_can_be_turned_off_again()
    {
        await using var api = await TestApi.StartAsync();
        var sid = await api.CreateServiceAsync("Matched", ("Push.NumberMatching", "true"), ("Push.PendingLimit", "2"), ("Push.CooldownDenials", "4"),
            ("Push.CooldownWindowMinutes", "30"), ("Push.CooldownMinutes", "60"));
        var push = (await api.Account.GetAsync($"/v2/Services/{sid}")).Expect(200)["push"]!;
        Assert.True(push["number_matching"]!.GetValue<bool>());
        Assert.Equal((2, 4, 30, 60), (push.Int("pending_limit"), push.Int("cooldown_denials"), push.Int("cooldown_window_minutes"), push.Int("cooldown_minutes")));
        var updated = (await api.Account.PostAsync($"/v2/Services/{sid}", ("Push.NumberMatching", "false"))).Expect(200)["push"]!;
        Assert.False(updated["number_matching"]!.GetValue<bool>());
        Assert.Equal(2, updated.Int("pending_limit"));
        (await api.Account.PostAsync($"/v2/Services/{sid}", ("Push.PendingLimit", "1001"))).ExpectError(60200, 400);
        (await api.Account.PostAsync($"/v2/Services/{sid}", ("Push.NumberMatching", "yes"))).ExpectError(60200, 400);
    }

    [Fact]
    public async Task The_backend_gets_the_number_and_the_device_three_choices_one_of_them_right()
    {
        await using var api = await TestApi.StartAsync();
        var e = await NumberMatchedAsync(api);
        var created = await api.CreateChallengeAsync(e);
        var number = created.Int("number_match");
        Assert.InRange(number, 10, 99);
        Assert.False(created.ContainsKey("number_choices"));
        var seen = (await e.Device.GetChallengeAsync(e.Factor, created.Str("sid")!)).Body;
        Assert.False(seen.ContainsKey("number_match"));
        var choices = seen["number_choices"]!.AsArray().Select(n => n!.GetValue<int>()).ToList();
        Assert.Equal(3, choices.Distinct().Count());
        Assert.Contains(number, choices);
        Assert.All(choices, c => Assert.InRange(c, 10, 99));
        // The same choices on every fetch and in the device's list.
        Assert.Equal(choices, (await e.Device.GetChallengeAsync(e.Factor, created.Str("sid")!)).Body["number_choices"]!.AsArray().Select(n => n!.GetValue<int>()));
        var listed = (await e.Device.ListChallengesAsync(e.Factor, 10)).Challenges.Single();
        Assert.Equal(choices, listed["number_choices"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal(number, (await api.Account.GetAsync(e.ChallengePath(created.Str("sid")!))).Expect(200).Int("number_match"));
    }

    [Fact]
    public async Task The_right_number_approves_and_emits_one_approved_event()
    {
        await using var api = await TestApi.StartAsync(TestApi.OffMachineGuard());
        var e = await NumberMatchedAsync(api);
        var hook = await SubscribeAsync(api, e.ServiceSid, "*", "challenge.reported", "factor.cooldown");
        var created = await api.CreateChallengeAsync(e);
        var response = await AnswerAsync(e, created.Str("sid")!, "approved", created.Int("number_match"));
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("approved", response.Json.Str("status"));
        Assert.False(response.Json!.AsObject().ContainsKey("denial_reason"));
        Assert.Equal("approved", (await api.Account.GetAsync(e.ChallengePath(created.Str("sid")!))).Expect(200).Str("status"));
        Assert.Equal(["challenge.approved"], await EventsAsync(api, e.ServiceSid, hook));
    }

    [Fact]
    public async Task A_wrong_number_denies_with_reason_wrong_number_and_emits_one_denied_event()
    {
        await using var api = await TestApi.StartAsync(TestApi.OffMachineGuard());
        var e = await NumberMatchedAsync(api);
        var hook = await SubscribeAsync(api, e.ServiceSid, "*", "challenge.reported", "factor.cooldown");
        var created = await api.CreateChallengeAsync(e);
        var sid = created.Str("sid")!;
        var number = created.Int("number_match");
        var seen = (await e.Device.GetChallengeAsync(e.Factor, sid)).Body;
        var wrong = seen["number_choices"]!.AsArray().Select(n => n!.GetValue<int>()).First(n => n != number);
        var response = await AnswerAsync(e, sid, "approved", wrong);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(("denied", "wrong_number", "none"), (response.Json.Str("status"), response.Json.Str("denial_reason"), response.Json.Str("responded_reason")));
        var fetched = (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200);
        Assert.Equal(("denied", "wrong_number", "none"), (fetched.Str("status"), fetched.Str("denial_reason"), fetched.Str("responded_reason")));
        Assert.Equal(["challenge.denied"], await EventsAsync(api, e.ServiceSid, hook));
        var counters = await CountersAsync(api, e.ServiceSid);
        Assert.Equal((1, 1, 0), (counters.Int("wrong_number_denials"), counters.Int("denied_challenges"), counters.Int("reported_challenges")));
        // A number that is not even among the choices denies too.
        var other = await api.CreateChallengeAsync(e);
        Assert.Equal("denied", (await AnswerAsync(e, other.Str("sid")!, "approved", 7)).Json.Str("status"));
    }

    [Fact]
    public async Task A_signed_number_cannot_be_replayed_on_another_challenge_nor_twice()
    {
        await using var api = await TestApi.StartAsync();
        var e = await NumberMatchedAsync(api);
        var first = await api.CreateChallengeAsync(e);
        var second = await api.CreateChallengeAsync(e);
        var signedForFirst = await SignAsync(e, first.Str("sid")!, "approved", first.Int("number_match"));
        // The payload signs sid: carried to the second challenge it does not verify, whatever the numbers.
        var replayed = await e.Device.SendAnswerAsync(e.Factor, second.Str("sid")!, signedForFirst);
        Assert.Equal((403, 60324), (replayed.StatusCode, replayed.ErrorCode));
        Assert.Equal("pending", (await api.Account.GetAsync(e.ChallengePath(second.Str("sid")!))).Expect(200).Str("status"));
        Assert.Equal(200, (await e.Device.SendAnswerAsync(e.Factor, first.Str("sid")!, signedForFirst)).StatusCode);
        var again = await e.Device.SendAnswerAsync(e.Factor, first.Str("sid")!, signedForFirst);
        Assert.Equal((403, 60322), (again.StatusCode, again.ErrorCode));
    }

    [Fact]
    public async Task An_altered_number_breaks_the_signature_and_a_number_must_be_a_json_integer()
    {
        await using var api = await TestApi.StartAsync();
        var e = await NumberMatchedAsync(api);
        var created = await api.CreateChallengeAsync(e);
        var sid = created.Str("sid")!;
        var signed = await SignAsync(e, sid, "approved", created.Int("number_match") == 11 ? 12 : 11);
        var parts = signed.Split('.');
        var payload = JsonNode.Parse(Convert.FromBase64String(Pad(parts[1].Replace('-', '+').Replace('_', '/'))))!.AsObject();
        payload["number_match"] = created.Int("number_match");
        var altered = parts[0] + "." + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString())).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." + parts[2];
        var response = await e.Device.SendAnswerAsync(e.Factor, sid, altered);
        Assert.Equal((403, 60324), (response.StatusCode, response.ErrorCode));
        var asText = await e.Device.PrepareAnswerAsync(e.Factor, sid, "approved", extra: new Dictionary<string, JsonNode?> { ["number_match"] = created.Int("number_match").ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var text = await e.Device.SendAnswerAsync(e.Factor, sid, asText);
        Assert.Equal((403, 60324), (text.StatusCode, text.ErrorCode));
        Assert.Equal("pending", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
    }

    [Theory]
    [InlineData(DeviceFlavour.Android)]
    [InlineData(DeviceFlavour.Ios)]
    public async Task A_twilio_sdk_device_cannot_approve_on_a_number_matching_service_but_can_deny(DeviceFlavour flavour)
    {
        await using var api = await TestApi.StartAsync();
        var e = await NumberMatchedAsync(api, flavour);
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var refused = await Assert.ThrowsAsync<DeviceException>(() => e.Device.ApproveAsync(e.Factor, sid));
        Assert.Equal((403, 69001), (refused.StatusCode, refused.ErrorCode));
        Assert.Equal("pending", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
        await e.Device.DenyAsync(e.Factor, sid);
        var denied = (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200);
        Assert.Equal("denied", denied.Str("status"));
        Assert.False(denied.ContainsKey("denial_reason"));
    }

    [Theory]
    [InlineData(DeviceFlavour.Android)]
    [InlineData(DeviceFlavour.Ios)]
    public async Task A_twilio_sdk_device_is_unaffected_on_a_service_without_number_matching(DeviceFlavour flavour)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync(flavour);
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        await e.Device.ApproveAsync(e.Factor, sid);
        Assert.Equal("approved", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
    }

    private static string Pad(string base64) => base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
}
