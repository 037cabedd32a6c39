using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Protocol.Signing;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Storage;
using OpenVerify.Server.Tests.Infrastructure;
using OpenVerify.TestKit.Devices;
using Xunit.Abstractions;

namespace OpenVerify.Server.Tests.Auth;

/// <summary>
/// Property-style: device JWTs correctly signed with the factor's own key but with malformed claims
/// (wrong JSON types, numbers of every size and form, duplicate members, deep nesting, missing or
/// extra registered members, invalid UTF-8, non-object roots) are, on every device route, exactly the
/// 401 an invalid device token gets, and nothing is written. The seed is printed on failure; set
/// <c>OPENVERIFY_FUZZ_SEED</c> to replay one.
/// </summary>
public sealed class DeviceJwtFuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 400;

    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("OPENVERIFY_FUZZ_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : 20260612;

    [Fact]
    public async Task Signed_device_jwts_with_malformed_claims_get_the_invalid_token_401_on_every_device_route_and_write_nothing()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        await api.SubscribeAllEventsAsync(service);
        var e = await api.EnrolAsync(service);
        var challenge = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var approval = await e.Device.PrepareAnswerAsync(e.Factor, challenge, "approved");
        var entity = e.EntityPath["/v2/".Length..];
        var factorPath = $"{entity}/Factors/{e.Factor.Sid}";
        KeyValuePair<string, string>[] update = [new("FriendlyName", "Fuzzed"), new("Config.SdkVersion", "9.9.9"), new("Config.AppId", "com.example.fuzz"), new("Config.NotificationPlatform", "none")];
        (HttpMethod Method, string Path, KeyValuePair<string, string>[] Form)[] routes =
        [
            (HttpMethod.Get, $"Services/{e.ServiceSid}", []),
            (HttpMethod.Get, $"{entity}/Challenges?PageSize=20&FactorSid={e.Factor.Sid}&Order=asc", []),
            (HttpMethod.Get, $"{entity}/Challenges/{challenge}", []),
            (HttpMethod.Post, $"{entity}/Challenges/{challenge}", [new("AuthPayload", approval)]),
            (HttpMethod.Get, factorPath, []),
            (HttpMethod.Post, factorPath, update),
            (HttpMethod.Post, factorPath, [new("AuthPayload", SdkSignatures.VerifyFactorPayload(e.Factor.Key, e.Factor.Sid))]),
            (HttpMethod.Delete, factorPath, []),
            (HttpMethod.Post, $"{entity}/Factors", [new("FriendlyName", "Second"), new("FactorType", "push"), new("Binding.PublicKey", e.Factor.PublicKey), new("Binding.Alg", "ES256"), new("Config.SdkVersion", "0.9.0"), new("Config.AppId", "com.example"), new("Config.NotificationPlatform", "none")]),
        ];

        var factorBefore = (await api.Account.GetAsync(e.FactorPath)).Expect(200).ToJsonString();
        var challengeBefore = (await api.Account.GetAsync(e.ChallengePath(challenge))).Expect(200).ToJsonString();
        var factorsBefore = (await api.Account.GetAsync(e.EntityPath + "/Factors")).Expect(200).Sids("factors");
        var outboxBefore = await OutboxCountAsync(api);
        var invalid = await e.Device.SendAsync(HttpMethod.Get, routes[2].Path, [], e.Device.CreateDeviceJwt(e.Factor, new JwtOverrides { CorruptSignature = true }));
        Assert.Equal(401, invalid.StatusCode);

        var fuzz = new JsonFuzz(Seed);
        var claims = new ClaimFuzz(fuzz, e.Factor, e.Device.Now);
        var histogram = new SortedDictionary<int, int>();
        var failures = new List<string>();
        for (var i = 0; i < Inputs; i++)
        {
            var (header, payload, what) = claims.Next();
            var jwt = Sign(e.Factor, header, payload);
            var route = routes[i % routes.Length];
            var response = await e.Device.SendAsync(route.Method, route.Path, route.Form, jwt);
            histogram[response.StatusCode] = histogram.GetValueOrDefault(response.StatusCode) + 1;
            if (response.StatusCode != 401 || response.Body != invalid.Body || response.Header("Date") is null)
            {
                failures.Add($"#{i} {route.Method} {route.Path} [{what}] header={JsonFuzz.Shorten(Text(header))} payload={JsonFuzz.Shorten(Text(payload))}: {JsonFuzz.Shorten(response.ToString())}");
            }
        }

        output.WriteLine($"seed {Seed}: {Inputs} signed device JWTs across {routes.Length} routes; statuses: {string.Join(", ", histogram.Select(h => $"{h.Key}: {h.Value}"))}");
        Assert.True(failures.Count == 0, $"seed {Seed} (OPENVERIFY_FUZZ_SEED to replay), {failures.Count} of {Inputs} not the invalid-token 401 {invalid.Body}:\n{string.Join("\n", failures.Take(15))}");

        // Nothing was written: the factor, its challenge and the outbox are as before, and the factor still works.
        Assert.Equal(factorBefore, (await api.Account.GetAsync(e.FactorPath)).Expect(200).ToJsonString());
        Assert.Equal(challengeBefore, (await api.Account.GetAsync(e.ChallengePath(challenge))).Expect(200).ToJsonString());
        Assert.Equal(factorsBefore, (await api.Account.GetAsync(e.EntityPath + "/Factors")).Expect(200).Sids("factors"));
        Assert.Equal(outboxBefore, await OutboxCountAsync(api));
        Assert.Equal(200, (await e.Device.SendAsync(HttpMethod.Get, factorPath, [], e.Device.CreateDeviceJwt(e.Factor))).StatusCode);
    }

    public static TheoryData<string, string> Claims() => new()
    {
        // The 500s of issue 12: exp of another type than a number.
        { "exp null", """{"sub":"{sub}","exp":null,"nbf":{now}}""" },
        { "exp string", """{"sub":"{sub}","exp":"{exp}","nbf":{now}}""" },
        { "exp 1e308", """{"sub":"{sub}","exp":1e308,"nbf":{now}}""" },
        { "exp 2^53-1", """{"sub":"{sub}","exp":9007199254740991,"nbf":{now}}""" },
        { "nbf object", """{"sub":"{sub}","exp":{exp},"nbf":{}}""" },
        { "sub number", """{"sub":1,"exp":{exp},"nbf":{now}}""" },
        { "sub array", """{"sub":["{sub}"],"exp":{exp},"nbf":{now}}""" },
        { "iat string", """{"sub":"{sub}","exp":{exp},"nbf":{now},"iat":"{now}"}""" },
        { "exp fractional", """{"sub":"{sub}","exp":{exp}.5,"nbf":{now}}""" },
        // Note: exp - nbf overflowed to -1 here, so this token used to be accepted and valid forever.
        { "exp max, nbf min", """{"sub":"{sub}","exp":9223372036854775807,"nbf":-9223372036854775808}""" },
        { "exp before nbf", """{"sub":"{sub}","exp":{now},"nbf":{exp}}""" },
        { "duplicate exp", """{"sub":"{sub}","exp":{exp},"nbf":{now},"exp":{exp}}""" },
        { "duplicate sub, escaped", """{"sub":"{sub}","exp":{exp},"nbf":{now},"\u0073ub":"{sub}"}""" },
        { "aud", """{"sub":"{sub}","exp":{exp},"nbf":{now},"aud":"https://verify.twilio.com"}""" },
        { "escaped lone surrogate", """{"sub":"{sub}","exp":{exp},"nbf":{now},"x":"\ud800"}""" },
        { "deep", """{"sub":"{sub}","exp":{exp},"nbf":{now},"x":""" + new string('[', StrictJson.MaxDepth) + new string(']', StrictJson.MaxDepth) + "}" },
    };

    [Theory]
    [MemberData(nameof(Claims))]
    public async Task A_signed_device_jwt_with_a_malformed_claim_is_the_invalid_token_401(string what, string payload)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var now = e.Device.Now;
        var json = payload.Replace("{sub}", e.Factor.AccountSid, StringComparison.Ordinal).Replace("{exp}", (now + 600).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{now}", now.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var header = $$"""{"cty":"twilio-pba;v=1","kid":"{{e.Factor.CredentialSid}}","typ":"JWT","alg":"ES256"}""";
        var entity = e.EntityPath["/v2/".Length..];
        var invalid = await e.Device.SendAsync(HttpMethod.Get, $"{entity}/Challenges", [], e.Device.CreateDeviceJwt(e.Factor, new JwtOverrides { CorruptSignature = true }));
        foreach (var (method, path) in new[] { (HttpMethod.Get, $"{entity}/Challenges"), (HttpMethod.Delete, $"{entity}/Factors/{e.Factor.Sid}") })
        {
            var response = await e.Device.SendAsync(method, path, [], Sign(e.Factor, Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(json)));
            Assert.True(response.StatusCode == 401 && response.Body == invalid.Body, $"{what}: {response}");
        }

        (await api.Account.GetAsync(e.FactorPath)).Expect(200);
    }

    [Theory]
    [InlineData("alg lower case", """{"kid":"{kid}","alg":"es256"}""")]
    [InlineData("alg array", """{"kid":"{kid}","alg":["ES256"]}""")]
    [InlineData("kid number", """{"kid":1,"alg":"ES256"}""")]
    [InlineData("kid object", """{"kid":{"sid":"{kid}"},"alg":"ES256"}""")]
    [InlineData("typ number", """{"kid":"{kid}","typ":1,"alg":"ES256"}""")]
    [InlineData("cty of another protocol", """{"kid":"{kid}","cty":"twilio-fpa;v=1","alg":"ES256"}""")]
    [InlineData("crit", """{"kid":"{kid}","alg":"ES256","crit":["exp"]}""")]
    [InlineData("duplicate alg", """{"kid":"{kid}","alg":"none","alg":"ES256"}""")]
    [InlineData("duplicate kid", """{"kid":"{kid}","alg":"ES256","kid":"CR00000000000000000000000000000000"}""")]
    public async Task A_signed_device_jwt_with_a_malformed_header_is_the_invalid_token_401(string what, string header)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var now = e.Device.Now;
        var payload = $$"""{"sub":"{{e.Factor.AccountSid}}","exp":{{now + 600}},"nbf":{{now}}}""";
        var path = $"Services/{e.ServiceSid}";
        var invalid = await e.Device.SendAsync(HttpMethod.Get, path, [], e.Device.CreateDeviceJwt(e.Factor, new JwtOverrides { CorruptSignature = true }));
        var jwt = Sign(e.Factor, Encoding.UTF8.GetBytes(header.Replace("{kid}", e.Factor.CredentialSid, StringComparison.Ordinal)), Encoding.UTF8.GetBytes(payload));
        var response = await e.Device.SendAsync(HttpMethod.Get, path, [], jwt);
        Assert.True(response.StatusCode == 401 && response.Body == invalid.Body, $"{what}: {response}");
    }

    [Fact]
    public async Task A_minimal_device_jwt_without_typ_and_cty_and_one_with_iat_and_unknown_claims_are_accepted()
    {
        // Note: RFC 7515/7519 ask to ignore members a reader does not understand (crit and aud excepted).
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var now = e.Device.Now;
        var path = $"Services/{e.ServiceSid}";
        var minimal = Sign(e.Factor, Encoding.UTF8.GetBytes($$"""{"alg":"ES256","kid":"{{e.Factor.CredentialSid}}"}"""),
            Encoding.UTF8.GetBytes($$"""{"sub":"{{e.Factor.AccountSid}}","exp":{{now + 600}},"nbf":{{now}}}"""));
        var extra = Sign(e.Factor, Encoding.UTF8.GetBytes($$"""{"alg":"ES256","kid":"{{e.Factor.CredentialSid}}","typ":"jwt","x5t":[1,{"a":null}]}"""),
            Encoding.UTF8.GetBytes($$"""{"sub":"{{e.Factor.AccountSid}}","exp":{{now + 600}},"nbf":{{now}},"iat":{{now}},"jti":"x","extra":{"n":[1.5,null]} }"""));
        Assert.Equal(200, (await e.Device.SendAsync(HttpMethod.Get, path, [], minimal)).StatusCode);
        Assert.Equal(200, (await e.Device.SendAsync(HttpMethod.Get, path, [], extra)).StatusCode);
    }

    internal static string Sign(DeviceFactor factor, byte[] header, byte[] payload)
    {
        var input = Base64Url.Encode(header) + "." + Base64Url.Encode(payload);
        return input + "." + Base64Url.Encode(Es256.SignRaw(factor.Key, Encoding.ASCII.GetBytes(input)));
    }

    private static string Text(byte[] utf8) => Encoding.UTF8.GetString(utf8);

    internal static async Task<long> OutboxCountAsync(TestApi api)
    {
        await using var connection = await api.Services.GetRequiredService<IDatabase>().OpenReadAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM outbox";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Device JWT headers and payloads that are each wrong in one to three ways. Values that would
    /// happen to be valid for the member they replace are drawn again, so every input must be refused.
    /// </summary>
    private sealed class ClaimFuzz(JsonFuzz fuzz, DeviceFactor factor, long now)
    {
        private static readonly string[] NotJson = ["", "{", "}", "{\"alg\":}", "{\"alg\":\"ES256\",}", "{'alg':'ES256'}", "/*c*/{}", "NaN", "{\"a\":1}{}", "\uFEFF{}", "{\"a\":01}", "{\"a\":\"\t\"}"];

        private readonly long exp = now + 600;

        public (byte[] Header, byte[] Payload, string What) Next()
        {
            var header = new List<(string Name, string Value)> { ("cty", JsonFuzz.Quote(DeviceJwt.ContentType)), ("kid", JsonFuzz.Quote(factor.CredentialSid)), ("typ", JsonFuzz.Quote("JWT")), ("alg", JsonFuzz.Quote("ES256")) };
            var payload = new List<(string Name, string Value)> { ("sub", JsonFuzz.Quote(factor.AccountSid)), ("exp", Num(exp)), ("nbf", Num(now)) };
            var what = new List<string>();
            byte[]? rawHeader = null, rawPayload = null;
            var count = fuzz.Random.Next(10) < 7 ? 1 : fuzz.Random.Next(2, 4);
            for (var m = 0; m < count; m++)
            {
                var onHeader = fuzz.Random.Next(3) == 0;
                var members = onHeader ? header : payload;
                switch (fuzz.Random.Next(9))
                {
                    case 0 or 1 or 2:
                    {
                        // A known member with a value of the wrong type or out of range, or an added one.
                        var name = onHeader ? fuzz.Pick(["alg", "kid", "typ", "cty", "crit"]) : fuzz.Pick(["sub", "exp", "nbf", "iat", "aud", "exp", "nbf"]);
                        var value = Bad(name);
                        Set(members, name, value);
                        what.Add($"{name}={JsonFuzz.Shorten(value)}");
                        break;
                    }

                    case 3:
                    {
                        var name = onHeader ? fuzz.Pick(["alg", "kid"]) : fuzz.Pick(["sub", "exp", "nbf"]);
                        members.RemoveAll(x => x.Name == name);
                        what.Add("no " + name);
                        break;
                    }

                    case 4 or 5:
                    {
                        // A member named twice: the same valid value, or another one, before or after.
                        if (members.Count == 0)
                        {
                            goto case 3;
                        }

                        var (name, valid) = fuzz.Pick(members);
                        var second = fuzz.Random.Next(2) == 0 ? valid : fuzz.Value();
                        var escaped = fuzz.Random.Next(4) == 0 ? "\\u" + ((int)name[0]).ToString("x4", CultureInfo.InvariantCulture) + name[1..] : name;
                        members.Insert(fuzz.Random.Next(members.Count + 1), (escaped, second));
                        what.Add($"duplicate {name}");
                        break;
                    }

                    case 6:
                        members.Add(("x" + m, fuzz.Nested(fuzz.Random.Next(StrictJson.MaxDepth, 600))));
                        what.Add("deep");
                        break;
                    case 7:
                    {
                        // Not a JSON object: another value, or not JSON at all.
                        var text = fuzz.Random.Next(2) == 0 ? fuzz.Value() : fuzz.Pick(NotJson);
                        if (text.StartsWith('{'))
                        {
                            text = "[" + text + "]";
                        }

                        if (onHeader)
                        {
                            rawHeader = JsonFuzz.Utf8(text);
                        }
                        else
                        {
                            rawPayload = JsonFuzz.Utf8(text);
                        }

                        what.Add((onHeader ? "header " : "payload ") + JsonFuzz.Shorten(text));
                        break;
                    }

                    default:
                        // Bytes that are not UTF-8 inside a string member.
                        members.Add(("u" + m, "\"\u0001\""));
                        what.Add("invalid UTF-8");
                        break;
                }
            }

            return (rawHeader ?? Encode(header), rawPayload ?? Encode(payload), string.Join("; ", what));
        }

        private static byte[] Encode(List<(string Name, string Value)> members)
        {
            // Note: the \u0001 placeholder becomes a lone continuation byte, invalid UTF-8.
            var bytes = JsonFuzz.Utf8("{" + string.Join(",", members.Select(m => (m.Name.StartsWith("\\u", StringComparison.Ordinal) ? "\"" + m.Name + "\"" : JsonFuzz.Quote(m.Name)) + ":" + m.Value)) + "}");
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == 0x01)
                {
                    bytes[i] = 0x80;
                }
            }

            return bytes;
        }

        private static void Set(List<(string Name, string Value)> members, string name, string value)
        {
            var index = members.FindIndex(x => x.Name == name);
            if (index < 0)
            {
                members.Add((name, value));
            }
            else
            {
                members[index] = (name, value);
            }
        }

        /// <summary>A value <paramref name="name"/> must not accept: drawn until it is not valid there.</summary>
        private string Bad(string name)
        {
            while (true)
            {
                var value = fuzz.Random.Next(4) == 0 && name is "exp" or "nbf" or "iat" ? BadTime(name) : fuzz.Value();
                if (!Acceptable(name, value))
                {
                    return value;
                }
            }
        }

        /// <summary>Integers of the right type at the wrong time (past, future, too long-lived, beyond any date).</summary>
        private string BadTime(string name) => name switch
        {
            "exp" => Num(fuzz.Pick([now - 61, now + 661, now + 86_400, long.MaxValue, DeviceJwtClaims.MaxNumericDate + 1, now - 1_000_000])),
            "nbf" => Num(fuzz.Pick([now + 61, exp + 1, long.MinValue, -1, -now, now - 661])),
            _ => Num(fuzz.Pick([now + 61, now + 100_000, -1, long.MinValue, DeviceJwtClaims.MaxNumericDate + 1])),
        };

        /// <summary>Whether the server must accept <paramref name="value"/> for <paramref name="name"/>, the rest being valid.</summary>
        private bool Acceptable(string name, string value)
        {
            var integer = long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : (long?)null;
            return name switch
            {
                "alg" => value == JsonFuzz.Quote("ES256"),
                "typ" => value.Equals(JsonFuzz.Quote("JWT"), StringComparison.OrdinalIgnoreCase),
                "cty" => value == JsonFuzz.Quote(DeviceJwt.ContentType),
                "kid" => value == JsonFuzz.Quote(factor.CredentialSid),
                "sub" => value == JsonFuzz.Quote(factor.AccountSid),
                "exp" => integer > now - 60 && integer <= now + 660,
                "nbf" => integer >= now - 60 && integer <= now + 60,
                "iat" => integer >= 0 && integer <= now + 60,
                _ => false,
            };
        }

        private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
