using System.Security.Cryptography;
using System.Text.Json;
using OpenVerify.Protocol.Signing;
using OpenVerify.TestKit.Devices;

namespace OpenVerify.Server.Tests.Challenges;

public sealed class UpdateChallengeTests
{
    [Theory]
    [InlineData(DeviceFlavour.Android)]
    [InlineData(DeviceFlavour.Ios)]
    public async Task Approving_with_the_sdk_flow_shows_approved_on_the_next_get(DeviceFlavour flavour)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync(flavour);
        var c = await api.CreateChallengeAsync(e, ("Details.Fields", """{"label":"Where","value":"https://example.com/login"}"""), ("HiddenDetails", """{"ip":"10.0.0.1"}"""));
        api.Clock.Advance(TimeSpan.FromSeconds(3));
        await e.Device.ApproveAsync(e.Factor, c.Str("sid")!);
        var answer = e.Device.Exchanges[^2];
        Assert.Equal("POST", answer.Method);
        Assert.Equal(200, answer.Response.StatusCode);
        var body = answer.Response.Json!;
        Assert.Equal("approved", body.Str("status"));
        Assert.Matches(ApiResponse.TwilioDate(), body.Str("date_responded")!);
        Assert.False(string.IsNullOrEmpty(answer.Response.Header("Twilio-Verify-Challenge-Signature")));
        var fetched = (await api.Account.GetAsync(e.ChallengePath(c.Str("sid")!))).Expect(200);
        Assert.Equal("approved", fetched.Str("status"));
        Assert.NotEqual(fetched.Str("date_created"), fetched.Str("date_responded"));
    }

    [Theory]
    [InlineData(DeviceFlavour.Android)]
    [InlineData(DeviceFlavour.Ios)]
    public async Task A_challenge_with_details_date_and_no_hidden_details_can_be_approved(DeviceFlavour flavour)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolAsync(await api.CreateServiceAsync("x", ("Push.IncludeDate", "true")), flavour: flavour);
        var sid = (await api.CreateChallengeAsync(e, ("Details.Fields", """{"label":"Amount","value":12.50}"""))).Str("sid")!;
        await e.Device.ApproveAsync(e.Factor, sid);
        var fetched = (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200);
        Assert.Equal("approved", fetched.Str("status"));
        Assert.Equal("12.50", fetched["details"]!["fields"]![0].Str("value"));
    }

    [Theory]
    [InlineData(DeviceFlavour.Android)]
    [InlineData(DeviceFlavour.Ios)]
    public async Task Non_ascii_details_round_trip_and_can_be_approved(DeviceFlavour flavour)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync(flavour);
        var message = "Zahlung über 10 € bestätigen? 👍 \"quoted\" <b>&</b>";
        var sid = (await api.CreateChallengeAsync(e, ("Details.Message", message), ("Details.Fields", """{"label":"Empfänger","value":"Jürgen Müller / 東京"}"""),
            ("HiddenDetails", """{"city":"Zürich","note":"a\u0000b"}"""))).Str("sid")!;
        var body = (await e.Device.GetChallengeAsync(e.Factor, sid)).Body;
        Assert.Equal(message, body["details"].Str("message"));
        Assert.Equal("Jürgen Müller / 東京", body["details"]!["fields"]![0].Str("value"));
        await e.Device.ApproveAsync(e.Factor, sid);
        Assert.Equal("approved", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
    }

    [Fact]
    public async Task Denying_shows_denied_on_the_next_get()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var c = await api.CreateChallengeAsync(e);
        await e.Device.DenyAsync(e.Factor, c.Str("sid")!);
        Assert.Equal("denied", (await api.Account.GetAsync(e.ChallengePath(c.Str("sid")!))).Expect(200).Str("status"));
    }

    [Fact]
    public async Task Metadata_sent_with_the_answer_is_echoed_as_an_object()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var payload = await e.Device.PrepareAnswerAsync(e.Factor, sid, "approved");
        var response = await e.Device.SendWithJwtAsync(e.Factor, HttpMethod.Post, e.ChallengePath(sid)["/v2/".Length..],
            [new("AuthPayload", payload), new("Metadata", """{"os":"Android","ip":"1.2.3.4"}""")]);
        Assert.Equal("Android", response.Json!["metadata"].Str("os"));
        Assert.Equal("1.2.3.4", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200)["metadata"].Str("ip"));
    }

    [Fact]
    public async Task Invalid_Metadata_on_the_answer_returns_60200_and_the_challenge_stays_pending()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var payload = await e.Device.PrepareAnswerAsync(e.Factor, sid, "approved");
        var response = await e.Device.SendWithJwtAsync(e.Factor, HttpMethod.Post, e.ChallengePath(sid)["/v2/".Length..],
            [new("AuthPayload", payload), new("Metadata", """{"os":7}""")], throwOnFailure: false);
        Assert.Equal(60200, response.ErrorCode);
        Assert.Equal("pending", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
    }

    [Fact]
    public async Task Approving_twice_returns_60322_and_the_status_stays_approved()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var payload = await e.Device.PrepareAnswerAsync(e.Factor, sid, "approved");
        Assert.Equal(200, (await e.Device.SendAnswerAsync(e.Factor, sid, payload)).StatusCode);
        var again = await e.Device.SendAnswerAsync(e.Factor, sid, payload);
        Assert.Equal(403, again.StatusCode);
        Assert.Equal(60322, again.ErrorCode);
        var deny = await Assert.ThrowsAsync<DeviceException>(() => e.Device.DenyAsync(e.Factor, sid));
        Assert.Equal(DeviceInputReason.AlreadyUpdatedChallenge, deny.Reason);
        Assert.Equal("approved", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
    }

    [Fact]
    public async Task Approving_after_expiry_returns_60323_and_the_challenge_reads_expired()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var payload = await e.Device.PrepareAnswerAsync(e.Factor, sid, "approved");
        api.Clock.Advance(TimeSpan.FromMinutes(5));
        var late = await e.Device.SendAnswerAsync(e.Factor, sid, payload);
        Assert.Equal(403, late.StatusCode);
        Assert.Equal(60323, late.ErrorCode);
        var fetched = (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200);
        Assert.Equal("expired", fetched.Str("status"));
        Assert.Null(fetched["date_responded"]);
        var sdk = await Assert.ThrowsAsync<DeviceException>(() => e.Device.ApproveAsync(e.Factor, sid));
        Assert.Equal(DeviceInputReason.ExpiredChallenge, sdk.Reason);
    }

    [Fact]
    public async Task A_challenge_one_second_before_expiry_can_still_be_approved()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        api.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        await e.Device.ApproveAsync(e.Factor, sid);
    }

    [Fact]
    public async Task An_answer_with_a_bad_signature_returns_60324_and_the_challenge_stays_pending()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var payload = await e.Device.PrepareAnswerAsync(e.Factor, sid, "approved");
        var parts = payload.Split('.');
        Base64Url.TryDecode(parts[2], out var signature);
        signature[5] ^= 0x40;
        var tampered = parts[0] + "." + parts[1] + "." + Base64Url.Encode(signature);
        var response = await e.Device.SendAnswerAsync(e.Factor, sid, tampered);
        Assert.Equal(403, response.StatusCode);
        Assert.Equal(60324, response.ErrorCode);
        Assert.Equal("pending", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
    }

    [Fact]
    public async Task An_answer_signed_by_another_factors_key_returns_60324()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var alice = await api.EnrolAsync(service);
        var mallory = await api.EnrolAsync(service);
        var sid = (await api.CreateChallengeAsync(alice)).Str("sid")!;
        var body = (await alice.Device.GetChallengeAsync(alice.Factor, sid)).Body;
        var payload = SignAnswer(mallory.Factor.Key, body, "approved");
        var response = await alice.Device.SendAnswerAsync(alice.Factor, sid, payload);
        Assert.Equal(60324, response.ErrorCode);
        Assert.Equal("pending", (await api.Account.GetAsync(alice.ChallengePath(sid))).Expect(200).Str("status"));
    }

    [Theory]
    [InlineData("details")]
    [InlineData("hidden_details")]
    [InlineData("expiration_date")]
    [InlineData("factor_sid")]
    [InlineData("sid")]
    [InlineData("date_created")]
    public async Task An_answer_whose_signed_field_differs_in_content_returns_60324(string field)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e, ("HiddenDetails", """{"ip":"10.0.0.1"}"""))).Str("sid")!;
        var body = (await e.Device.GetChallengeAsync(e.Factor, sid)).Body;
        body[field] = field switch
        {
            "details" => JsonNode.Parse("""{"message":"Send 1000 EUR to Mallory","fields":[]}"""),
            "hidden_details" => JsonNode.Parse("""{"ip":"6.6.6.6"}"""),
            _ => body.Str(field) + "0",
        };
        var response = await e.Device.SendAnswerAsync(e.Factor, sid, SignAnswer(e.Factor.Key, body, "approved"));
        Assert.Equal(60324, response.ErrorCode);
        Assert.Equal("pending", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
    }

    [Fact]
    public async Task An_answer_missing_a_signed_field_returns_60324()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var body = (await e.Device.GetChallengeAsync(e.Factor, sid)).Body;
        body.Remove("details");
        Assert.Equal(60324, (await e.Device.SendAnswerAsync(e.Factor, sid, SignAnswer(e.Factor.Key, body, "approved"))).ErrorCode);
    }

    [Fact]
    public async Task Key_order_whitespace_and_escaped_slashes_in_the_signed_payload_do_not_count_as_differences()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e, ("Details.Message", "Open https://example.com/a/b?"), ("Details.Fields", """{"label":"Path","value":"/x/y"}"""))).Str("sid")!;
        var challenge = await e.Device.GetChallengeAsync(e.Factor, sid);
        var payload = new JsonObject();
        foreach (var name in challenge.SignatureFields!.Split(',').Reverse())
        {
            payload[name] = name == "details"
                ? new JsonObject { ["fields"] = challenge.Body["details"]!["fields"]!.DeepClone(), ["message"] = challenge.Body["details"]!["message"]!.DeepClone() }
                : challenge.Body[name]?.DeepClone();
        }

        payload["status"] = "approved";
        var json = JsonSerializer.Serialize(payload, new JsonSerializerOptions { WriteIndented = true }).Replace("/", "\\/", StringComparison.Ordinal);
        var jwt = CompactJws.SignEs256(e.Factor.Key, "{ \"alg\" : \"ES256\", \"typ\" : \"JWT\" }", json);
        Assert.Equal(200, (await e.Device.SendAnswerAsync(e.Factor, sid, jwt)).StatusCode);
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("expired")]
    [InlineData("APPROVED")]
    [InlineData(null)]
    public async Task A_signed_status_other_than_approved_or_denied_returns_60324(string? status)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var body = (await e.Device.GetChallengeAsync(e.Factor, sid)).Body;
        var response = await e.Device.SendAnswerAsync(e.Factor, sid, SignAnswer(e.Factor.Key, body, status));
        Assert.Equal(60324, response.ErrorCode);
        Assert.Equal("pending", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
    }

    [Theory]
    [InlineData("not-a-jws")]
    [InlineData("a.b")]
    [InlineData("eyJ9.eyJ9.AAAA")]
    public async Task An_AuthPayload_that_is_not_a_compact_jws_returns_60324(string authPayload)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        Assert.Equal(60324, (await e.Device.SendAnswerAsync(e.Factor, sid, authPayload)).ErrorCode);
    }

    [Fact]
    public async Task An_answer_without_AuthPayload_returns_20001()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var response = await e.Device.SendWithJwtAsync(e.Factor, HttpMethod.Post, e.ChallengePath(sid)["/v2/".Length..], [], throwOnFailure: false);
        Assert.Equal(20001, response.ErrorCode);
    }

    [Fact]
    public async Task An_AuthPayload_over_the_size_limit_returns_60200()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var response = await e.Device.SendAnswerAsync(e.Factor, sid, new string('a', 9000));
        Assert.Equal(400, response.StatusCode);
        Assert.Equal(60200, response.ErrorCode);
        Assert.Equal("pending", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
    }

    [Fact]
    public async Task An_approval_replayed_on_another_challenge_is_rejected_with_60324()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var first = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var second = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var payload = await e.Device.PrepareAnswerAsync(e.Factor, first, "approved");
        var replay = await e.Device.SendAnswerAsync(e.Factor, second, payload);
        Assert.Equal(403, replay.StatusCode);
        Assert.Equal(60324, replay.ErrorCode);
        Assert.Equal("pending", (await api.Account.GetAsync(e.ChallengePath(second))).Expect(200).Str("status"));
        Assert.Equal(200, (await e.Device.SendAnswerAsync(e.Factor, first, payload)).StatusCode);
    }

    [Fact]
    public async Task Two_concurrent_approvals_resolve_to_exactly_one_winner()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        for (var round = 0; round < 5; round++)
        {
            var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
            var approve = await e.Device.PrepareAnswerAsync(e.Factor, sid, "approved");
            var deny = await e.Device.PrepareAnswerAsync(e.Factor, sid, "denied");
            var devices = new[] { new DeviceEmulator(api.Http, DeviceFlavour.Android, api.Clock), new DeviceEmulator(api.Http, DeviceFlavour.Android, api.Clock) };
            using var start = new Barrier(2);
            var answers = await Task.WhenAll(
                Task.Run(() => { start.SignalAndWait(); return devices[0].SendAnswerAsync(e.Factor, sid, approve); }),
                Task.Run(() => { start.SignalAndWait(); return devices[1].SendAnswerAsync(e.Factor, sid, deny); }));
            Assert.Single(answers, a => a.StatusCode == 200);
            var loser = Assert.Single(answers, a => a.StatusCode != 200);
            Assert.Equal(60322, loser.ErrorCode);
            var winner = answers.Single(a => a.StatusCode == 200).Json.Str("status");
            Assert.Equal(winner, (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
        }
    }

    [Fact]
    public async Task A_device_cannot_answer_a_challenge_of_another_factor()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var phone = await api.EnrolAsync(service, identity);
        var tablet = await api.EnrolAsync(service, identity);
        var sid = (await api.CreateChallengeAsync(phone)).Str("sid")!;
        var body = (await phone.Device.GetChallengeAsync(phone.Factor, sid)).Body;
        var response = await tablet.Device.SendAnswerAsync(tablet.Factor, sid, SignAnswer(tablet.Factor.Key, body, "approved"));
        Assert.Equal(404, response.StatusCode);
        Assert.Equal(60391, response.ErrorCode);
        Assert.Equal("pending", (await api.Account.GetAsync(phone.ChallengePath(sid))).Expect(200).Str("status"));
    }

    [Fact]
    public async Task Another_account_gets_404_when_answering_a_challenge_it_does_not_own()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var payload = await e.Device.PrepareAnswerAsync(e.Factor, sid, "approved");
        var other = await api.CreateOtherAccountAsync();
        (await other.PostAsync(e.ChallengePath(sid), ("AuthPayload", payload))).ExpectError(20404, 404);
        (await other.GetAsync(e.ChallengePath(sid))).ExpectError(20404, 404);
        Assert.Equal("pending", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
    }

    /// <summary>Signs a payload of the server's advertised fields, copied from <paramref name="body"/>, plus a status.</summary>
    private static string SignAnswer(ECDsa key, JsonObject body, string? status)
    {
        var payload = new JsonObject();
        foreach (var name in "sid,factor_sid,date_created,expiration_date,details,hidden_details".Split(','))
        {
            if (body.TryGetPropertyValue(name, out var value))
            {
                payload[name] = value?.DeepClone();
            }
        }

        if (status is not null)
        {
            payload["status"] = status;
        }

        return CompactJws.SignEs256(key, """{"typ":"JWT","alg":"ES256"}""", payload.ToJsonString());
    }
}
