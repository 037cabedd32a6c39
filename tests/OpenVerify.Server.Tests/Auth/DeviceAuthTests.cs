using System.Security.Cryptography;
using OpenVerify.Protocol.Signing;
using OpenVerify.TestKit.Devices;

namespace OpenVerify.Server.Tests.Auth;

public sealed class DeviceAuthTests
{
    public static TheoryData<string> Tampering() => ["bad-signature", "other-key", "unknown-kid", "malformed-kid", "wrong-sub", "expired", "not-yet-valid", "too-long-lived", "alg-none", "no-kid", "garbage"];

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task A_tampered_device_jwt_is_rejected_with_401_and_a_date_header(string tampering)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = e.Device.Now;
        var jwt = tampering switch
        {
            "bad-signature" => e.Device.CreateDeviceJwt(e.Factor, new JwtOverrides { CorruptSignature = true }),
            "other-key" => e.Device.CreateDeviceJwt(e.Factor, new JwtOverrides { SigningKey = otherKey }),
            "unknown-kid" => e.Device.CreateDeviceJwt(e.Factor, new JwtOverrides { Kid = "CR" + new string('0', 32) }),
            "malformed-kid" => e.Device.CreateDeviceJwt(e.Factor, new JwtOverrides { Kid = e.Factor.Sid }),
            "wrong-sub" => e.Device.CreateDeviceJwt(e.Factor, new JwtOverrides { Sub = "AC" + new string('0', 32) }),
            "expired" => e.Device.CreateDeviceJwt(e.Factor, new JwtOverrides { Nbf = now - 1200, Exp = now - 600 }),
            "not-yet-valid" => e.Device.CreateDeviceJwt(e.Factor, new JwtOverrides { Nbf = now + 600, Exp = now + 1200 }),
            "too-long-lived" => e.Device.CreateDeviceJwt(e.Factor, new JwtOverrides { Exp = now + 86400 }),
            "alg-none" => Base64Url.Encode(System.Text.Encoding.UTF8.GetBytes($$"""{"alg":"none","kid":"{{e.Factor.CredentialSid}}","typ":"JWT"}""")) + "."
                + Base64Url.Encode(System.Text.Encoding.UTF8.GetBytes($$"""{"sub":"{{e.Factor.AccountSid}}","exp":{{now + 600}},"nbf":{{now}}}""")) + ".",
            "no-kid" => CompactJws.SignEs256(e.Factor.Key, """{"typ":"JWT","alg":"ES256"}""", $$"""{"sub":"{{e.Factor.AccountSid}}","exp":{{now + 600}},"nbf":{{now}}}"""),
            _ => "a.b.c",
        };
        var response = await e.Device.SendAsync(HttpMethod.Get, e.ChallengePath("YC" + new string('0', 32))["/v2/".Length..], [], jwt);
        Assert.Equal(401, response.StatusCode);
        Assert.Equal(20003, response.ErrorCode);
        Assert.NotNull(response.Header("Date"));
    }

    [Fact]
    public async Task A_device_jwt_is_read_as_json_so_key_order_whitespace_and_escapes_do_not_matter()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var now = e.Device.Now;
        var kid = "\\u0043" + e.Factor.CredentialSid[1..];
        var header = $$"""{ "typ" : "JWT",  "alg" : "ES256", "kid" : "{{kid}}", "cty" : "twilio-pba;v=1" }""";
        var payload = $$"""{ "nbf" : {{now}}, "sub" : "{{e.Factor.AccountSid}}", "exp" : {{now + 600}} }""";
        var jwt = CompactJws.SignEs256(e.Factor.Key, header, payload);
        var response = await e.Device.SendAsync(HttpMethod.Get, $"Services/{e.ServiceSid}", [], jwt);
        Assert.Equal(200, response.StatusCode);
    }

    [Fact]
    public async Task A_jwt_within_the_clock_leeway_is_accepted()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var now = e.Device.Now;
        var early = e.Device.CreateDeviceJwt(e.Factor, new JwtOverrides { Nbf = now + 30, Exp = now + 630 });
        var late = e.Device.CreateDeviceJwt(e.Factor, new JwtOverrides { Nbf = now - 630, Exp = now - 30 });
        foreach (var jwt in (string[])[early, late])
        {
            Assert.Equal(200, (await e.Device.SendAsync(HttpMethod.Get, $"Services/{e.ServiceSid}", [], jwt)).StatusCode);
        }
    }

    [Theory]
    [InlineData(DeviceFlavour.Android, 30)]
    [InlineData(DeviceFlavour.Android, -30)]
    [InlineData(DeviceFlavour.Ios, 45)]
    [InlineData(DeviceFlavour.Ios, -1440)]
    public async Task A_device_whose_clock_is_off_recovers_with_one_retry_after_the_401_date(DeviceFlavour flavour, int minutesOff)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync(flavour);
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        e.Device.ClockOffset = TimeSpan.FromMinutes(minutesOff);
        var before = e.Device.Exchanges.Count;
        await e.Device.ApproveAsync(e.Factor, sid);
        var exchanges = e.Device.Exchanges.Skip(before).ToList();
        Assert.Equal(401, exchanges[0].Response.StatusCode);
        Assert.NotNull(exchanges[0].Response.Header("Date"));
        Assert.All(exchanges.Skip(1), x => Assert.True(x.Response.IsSuccess, x.Response.ToString()));
        Assert.Equal(4, exchanges.Count);
        Assert.InRange(e.Device.TimeCorrection, -minutesOff * 60 - 2, -minutesOff * 60 + 2);
        Assert.Equal("approved", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
    }

    [Fact]
    public async Task A_device_whose_clock_is_off_gets_through_only_with_the_retry()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        e.Device.ClockOffset = TimeSpan.FromHours(2);
        var once = await e.Device.SendAsync(HttpMethod.Get, $"Services/{e.ServiceSid}", [], e.Device.CreateDeviceJwt(e.Factor));
        Assert.Equal(401, once.StatusCode);
        var service = await e.Device.GetServiceAsync(e.Factor);
        Assert.Equal(e.ServiceSid, service.Str("sid"));
    }

    [Fact]
    public async Task A_63_byte_ios_signature_is_accepted_for_the_device_jwt_and_the_approval()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync(DeviceFlavour.Ios);
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        e.Device.ForceShortSignature = true;
        var jwt = e.Device.CreateDeviceJwt(e.Factor);
        Assert.True(Base64Url.TryDecode(jwt.Split('.')[2], out var signature));
        Assert.Equal(63, signature.Length);
        var before = e.Device.Exchanges.Count;
        await e.Device.ApproveAsync(e.Factor, sid);
        Assert.All(e.Device.Exchanges.Skip(before), x => Assert.True(x.Response.IsSuccess, x.Response.ToString()));
        Assert.Equal("approved", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
    }

    [Fact]
    public async Task A_truncated_62_byte_signature_is_rejected()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var jwt = e.Device.CreateDeviceJwt(e.Factor);
        var parts = jwt.Split('.');
        Base64Url.TryDecode(parts[2], out var signature);
        var shortened = parts[0] + "." + parts[1] + "." + Base64Url.Encode(signature[2..]);
        Assert.Equal(401, (await e.Device.SendAsync(HttpMethod.Get, $"Services/{e.ServiceSid}", [], shortened)).StatusCode);
    }

    [Fact]
    public async Task The_sdk_headers_on_get_and_delete_are_accepted_and_answered_with_json()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync(DeviceFlavour.Ios);
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        await e.Device.GetChallengeAsync(e.Factor, sid);
        var get = e.Device.Exchanges[^1];
        Assert.Equal("application/x-www-form-urlencoded", get.Headers["Accept"]);
        Assert.Equal("application/x-www-form-urlencoded", get.Headers["Content-Type"]);
        Assert.StartsWith("application/json", get.Response.Header("Content-Type"));
        await e.Device.DeleteFactorAsync(e.Factor);
        var delete = e.Device.Exchanges[^1];
        Assert.Equal("application/x-www-form-urlencoded", delete.Headers["Content-Type"]);
        Assert.Equal(204, delete.Response.StatusCode);
    }

    [Fact]
    public async Task An_access_token_creates_one_factor_only()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var token = await api.CreateAccessTokenAsync(service, identity);
        await api.Device().CreateFactorAsync(service, identity, token);
        var error = await Assert.ThrowsAsync<DeviceException>(() => api.Device().CreateFactorAsync(service, identity, token));
        Assert.Equal(401, error.StatusCode);
        Assert.Equal(20003, error.ErrorCode);
    }

    [Fact]
    public async Task An_expired_access_token_returns_401()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var token = await api.CreateAccessTokenAsync(service, identity);
        api.Clock.Advance(TimeSpan.FromSeconds(60));
        var error = await Assert.ThrowsAsync<DeviceException>(() => api.Device().CreateFactorAsync(service, identity, token));
        Assert.Equal(401, error.StatusCode);
    }

    [Fact]
    public async Task An_access_token_for_another_identity_or_service_returns_401()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var otherService = await api.CreateServiceAsync();
        var token = await api.CreateAccessTokenAsync(service, "alice-0001");
        var wrongIdentity = await Assert.ThrowsAsync<DeviceException>(() => api.Device().CreateFactorAsync(service, "mallory-01", token));
        Assert.Equal(401, wrongIdentity.StatusCode);
        var wrongService = await Assert.ThrowsAsync<DeviceException>(() => api.Device().CreateFactorAsync(otherService, "alice-0001", token));
        Assert.Contains(wrongService.StatusCode, new int?[] { 401, 403, 404 });
        await api.Device().CreateFactorAsync(service, "alice-0001", token);
    }

    [Theory]
    [InlineData("")]
    [InlineData("YK00000000000000000000000000000000.secret")]
    [InlineData("made-up-token")]
    public async Task A_missing_or_forged_access_token_returns_401(string token)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var real = await api.CreateAccessTokenAsync(service, "alice-0001");
        var forged = token == "" ? real[..^1] + (real[^1] == 'A' ? 'B' : 'A') : token;
        var error = await Assert.ThrowsAsync<DeviceException>(() => api.Device().CreateFactorAsync(service, "alice-0001", forged));
        Assert.Equal(401, error.StatusCode);
        Assert.Equal(20003, error.ErrorCode);
    }

    [Fact]
    public async Task An_access_token_cannot_be_used_for_anything_but_creating_the_factor()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var token = await api.CreateAccessTokenAsync(e.ServiceSid, e.Identity);
        var path = e.EntityPath["/v2/".Length..];
        foreach (var (method, target) in new[] { (HttpMethod.Get, path + "/Challenges"), (HttpMethod.Get, path + "/Factors/" + e.Factor.Sid), (HttpMethod.Get, path + "/Factors"), (HttpMethod.Post, path + "/Challenges") })
        {
            var response = await e.Device.SendAsync(method, target, [], token);
            Assert.Equal(401, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_device_jwt_cannot_call_backend_operations()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var jwt = e.Device.CreateDeviceJwt(e.Factor);
        foreach (var (method, target) in new[] { (HttpMethod.Get, "Services"), (HttpMethod.Post, "Services"), (HttpMethod.Get, $"Services/{e.ServiceSid}/Webhooks"), (HttpMethod.Post, $"Services/{e.ServiceSid}/AccessTokens"), (HttpMethod.Get, $"Services/{e.ServiceSid}/Entities") })
        {
            var response = await e.Device.SendAsync(method, target, [new("FriendlyName", "x"), new("Identity", e.Identity), new("FactorType", "push")], jwt);
            Assert.Equal(401, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_device_reads_its_own_service_but_not_another()
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var other = await api.CreateServiceAsync();
        var service = await e.Device.GetServiceAsync(e.Factor);
        Assert.Equal(e.ServiceSid, service.Str("sid"));
        Assert.Equal(api.AccountSid, service.Str("account_sid"));
        var response = await e.Device.SendAsync(HttpMethod.Get, $"Services/{other}", [], e.Device.CreateDeviceJwt(e.Factor));
        Assert.Equal(404, response.StatusCode);
    }
}
