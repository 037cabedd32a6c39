using OpenVerify.TestKit.Devices;

namespace OpenVerify.Server.Tests.Challenges;

public sealed class FetchChallengeTests
{
    [Theory]
    [InlineData(DeviceFlavour.Android)]
    [InlineData(DeviceFlavour.Ios)]
    public async Task A_pending_challenge_carries_one_signature_fields_header_naming_keys_of_the_body(DeviceFlavour flavour)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync(flavour);
        var sid = (await api.CreateChallengeAsync(e, ("HiddenDetails", """{"ip":"1.1.1.1"}"""))).Str("sid")!;
        var challenge = await e.Device.GetChallengeAsync(e.Factor, sid);
        Assert.Single(challenge.Response.HeaderValues("Twilio-Verify-Signature-Fields"));
        var header = challenge.SignatureFields!;
        Assert.DoesNotContain(" ", header);
        var names = header.Split(',');
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.True(challenge.Body.ContainsKey(n), n));
        Assert.Contains("sid", names);
        var backend = await api.Account.GetAsync(e.ChallengePath(sid));
        Assert.Equal(header, backend.Header("Twilio-Verify-Signature-Fields"));
    }

    [Fact]
    public async Task A_device_get_returns_the_fields_the_sdk_requires()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e, ("Details.Fields", """{"label":"A","value":"B"}"""))).Str("sid")!;
        var body = (await e.Device.GetChallengeAsync(e.Factor, sid)).Body;
        foreach (var name in (string[])["sid", "factor_sid", "status", "date_created", "date_updated", "expiration_date"])
        {
            Assert.Equal(System.Text.Json.JsonValueKind.String, body[name]!.GetValueKind());
        }

        Assert.Equal("pending", body.Str("status"));
        Assert.Equal("Log in to Example?", body["details"].Str("message"));
        Assert.Equal("B", body["details"]!["fields"]![0].Str("value"));
    }

    [Fact]
    public async Task An_answered_challenge_has_no_signature_fields_header()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        await e.Device.ApproveAsync(e.Factor, sid);
        Assert.Null((await e.Device.GetChallengeAsync(e.Factor, sid)).SignatureFields);
    }

    [Fact]
    public async Task Once_expiration_date_has_passed_a_get_returns_expired_without_signature_fields()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        api.Clock.Advance(TimeSpan.FromMinutes(5));
        var challenge = await e.Device.GetChallengeAsync(e.Factor, sid);
        Assert.Equal("expired", challenge.Body.Str("status"));
        Assert.Null(challenge.SignatureFields);
    }

    [Fact]
    public async Task A_device_gets_404_for_a_challenge_of_another_factor_identity_or_service()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var phone = await api.EnrolAsync(service, identity);
        var tablet = await api.EnrolAsync(service, identity);
        var stranger = await api.EnrolAsync(service);
        var elsewhere = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(phone)).Str("sid")!;
        var path = phone.ChallengePath(sid)["/v2/".Length..];
        foreach (var other in (Enrolment[])[tablet, stranger, elsewhere])
        {
            var response = await other.Device.SendAsync(HttpMethod.Get, path, [], other.Device.CreateDeviceJwt(other.Factor));
            Assert.Contains(response.StatusCode, new[] { 401, 404 });
            Assert.False(response.Json!.AsObject().ContainsKey("factor_sid"));
        }

        var wrongIdentity = await tablet.Device.SendAsync(HttpMethod.Get, $"Services/{service}/Entities/{stranger.Identity}/Challenges/{sid}", [], tablet.Device.CreateDeviceJwt(tablet.Factor));
        Assert.Equal(404, wrongIdentity.StatusCode);
    }

    [Fact]
    public async Task A_backend_gets_60391_for_an_unknown_challenge_and_60364_for_a_malformed_sid()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        (await api.Account.GetAsync(e.ChallengePath("YC" + new string('0', 32)))).ExpectError(60391, 404);
        (await api.Account.GetAsync(e.ChallengePath("YC123"))).ExpectError(60364, 400);
        (await api.Account.GetAsync(e.ChallengePath("YF" + new string('0', 32)))).ExpectError(60364, 400);
        (await api.Account.PostAsync(e.ChallengePath("YC123"), ("AuthPayload", "x"))).ExpectError(60364, 400);
    }

    [Fact]
    public async Task A_challenge_is_404_under_another_identity_of_the_same_service()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var alice = await api.EnrolAsync(service);
        var bob = await api.EnrolAsync(service);
        var sid = (await api.CreateChallengeAsync(alice)).Str("sid")!;
        (await api.Account.GetAsync(bob.ChallengePath(sid))).ExpectError(60391, 404);
    }
}
