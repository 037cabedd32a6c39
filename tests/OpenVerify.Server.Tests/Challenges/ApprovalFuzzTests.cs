using System.Globalization;
using System.Text;
using OpenVerify.Protocol.Signing;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Tests.Auth;
using OpenVerify.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OpenVerify.Server.Tests.Challenges;

/// <summary>
/// Property-style, for the AuthPayload of UpdateChallenge (docs/protocol/device.md §4): approvals correctly
/// signed with the factor's key whose status or signed fields are of the wrong JSON type or value,
/// named twice (one "status" saying denied and another approved), nested too deep, or whose header is
/// not the protocol's, are each a 403 60324 and leave the challenge pending with nothing queued,
/// whether a device or the backend sends them. <c>OPENVERIFY_FUZZ_SEED</c> replays a seed.
/// </summary>
public sealed class ApprovalFuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 300;

    [Fact]
    public async Task Signed_approvals_with_malformed_members_are_403_60324_and_leave_the_challenge_pending()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        await api.SubscribeAllEventsAsync(service);
        var e = await api.EnrolAsync(service);
        var sid = (await api.CreateChallengeAsync(e, ("Details.Fields", """{"label":"Where","value":"Lisbon"}"""), ("HiddenDetails", """{"ip":"10.0.0.1"}"""))).Str("sid")!;
        var valid = await e.Device.PrepareAnswerAsync(e.Factor, sid, "approved");
        Assert.True(Base64Url.TryDecode(valid.Split('.')[1], out var signedBytes));
        var signed = JsonNode.Parse(signedBytes)!.AsObject();
        var path = e.ChallengePath(sid);
        var before = (await api.Account.GetAsync(path)).Expect(200).ToJsonString();
        var outboxBefore = await DeviceJwtFuzzTests.OutboxCountAsync(api);

        var fuzz = new JsonFuzz(DeviceJwtFuzzTests.Seed);
        var histogram = new SortedDictionary<string, int>();
        var failures = new List<string>();
        for (var i = 0; i < Inputs; i++)
        {
            var (header, payload, what) = Mutate(fuzz, signed);
            var authPayload = DeviceJwtFuzzTests.Sign(e.Factor, header, payload);
            int status;
            int? code;
            string body;
            if (i % 2 == 0)
            {
                var response = await e.Device.SendAsync(HttpMethod.Post, path["/v2/".Length..], [new("AuthPayload", authPayload)], e.Device.CreateDeviceJwt(e.Factor));
                (status, code, body) = (response.StatusCode, response.ErrorCode, response.Body);
            }
            else
            {
                var response = await api.Account.PostAsync(path, ("AuthPayload", authPayload));
                (status, code, body) = (response.StatusCode, response.ErrorCode, response.Body);
            }

            var key = $"{status}/{code}";
            histogram[key] = histogram.GetValueOrDefault(key) + 1;
            if (status != 403 || code != 60324)
            {
                failures.Add($"#{i} {(i % 2 == 0 ? "device" : "backend")} [{what}] header={JsonFuzz.Shorten(Encoding.UTF8.GetString(header))} payload={JsonFuzz.Shorten(Encoding.UTF8.GetString(payload))}: {status} {JsonFuzz.Shorten(body)}");
            }
        }

        output.WriteLine($"seed {DeviceJwtFuzzTests.Seed}: {Inputs} signed approvals; status/code: {string.Join(", ", histogram.Select(h => $"{h.Key}: {h.Value}"))}");
        Assert.True(failures.Count == 0, $"seed {DeviceJwtFuzzTests.Seed} (OPENVERIFY_FUZZ_SEED to replay), {failures.Count} of {Inputs} not 403/60324:\n{string.Join("\n", failures.Take(15))}");
        Assert.Equal(before, (await api.Account.GetAsync(path)).Expect(200).ToJsonString());
        Assert.Equal(outboxBefore, await DeviceJwtFuzzTests.OutboxCountAsync(api));

        // The unmodified approval still goes through, and it is seen in the outbox: the checks above could fail.
        Assert.Equal(200, (await e.Device.SendAnswerAsync(e.Factor, sid, valid)).StatusCode);
        Assert.Equal("approved", (await api.Account.GetAsync(path)).Expect(200).Str("status"));
        Assert.True(await DeviceJwtFuzzTests.OutboxCountAsync(api) > outboxBefore);
    }

    [Theory]
    [InlineData("denied", "approved")]
    [InlineData("approved", "denied")]
    [InlineData("approved", "approved")]
    [InlineData("pending", "approved")]
    public async Task An_approval_naming_status_twice_is_refused_whichever_comes_first(string first, string second)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var valid = await e.Device.PrepareAnswerAsync(e.Factor, sid, "approved");
        Assert.True(Base64Url.TryDecode(valid.Split('.')[1], out var signedBytes));
        var fields = JsonNode.Parse(signedBytes)!.AsObject().Where(m => m.Key != "status").Select(m => (m.Key, m.Value?.ToJsonString() ?? "null"));
        var payload = JsonFuzz.Object([.. fields, ("status", JsonFuzz.Quote(first)), ("status", JsonFuzz.Quote(second))]);
        var authPayload = DeviceJwtFuzzTests.Sign(e.Factor, Encoding.UTF8.GetBytes("""{"typ":"JWT","alg":"ES256"}"""), Encoding.UTF8.GetBytes(payload));
        var response = await e.Device.SendAnswerAsync(e.Factor, sid, authPayload);
        Assert.True(response.StatusCode == 403 && response.ErrorCode == 60324, response.ToString());
        Assert.Equal("pending", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
    }

    private static readonly string[] Statuses = ["\"APPROVED\"", "\"Approved\"", "\"pending\"", "\"expired\"", "\"approved \"", "\"\"", "[\"approved\"]", "{\"status\":\"approved\"}", "true", "1", "null"];

    private static (byte[] Header, byte[] Payload, string What) Mutate(JsonFuzz fuzz, JsonObject signed)
    {
        var header = new List<(string Name, string Value)> { ("typ", "\"JWT\""), ("alg", "\"ES256\"") };
        var payload = signed.Select(m => (Name: m.Key, Value: m.Value?.ToJsonString() ?? "null")).ToList();
        var names = payload.Select(m => m.Name).Where(n => n != "status").ToList();
        var what = "";
        switch (fuzz.Random.Next(10))
        {
            case 0 or 1:
            {
                var value = fuzz.Random.Next(2) == 0 ? fuzz.Pick(Statuses) : fuzz.Value();
                while (value is "\"approved\"" or "\"denied\"")
                {
                    value = fuzz.Value();
                }

                Set(payload, "status", value);
                what = "status=" + JsonFuzz.Shorten(value);
                break;
            }

            case 2 or 3:
            {
                var (a, b) = fuzz.Pick<(string, string)>([("\"denied\"", "\"approved\""), ("\"approved\"", "\"denied\""), ("\"approved\"", "\"approved\""), ("\"pending\"", "\"approved\""), (fuzz.Value(), "\"approved\"")]);
                payload.RemoveAll(m => m.Name == "status");
                payload.Add(("status", a));
                payload.Insert(fuzz.Random.Next(payload.Count + 1), ("status", b));
                what = $"status twice: {JsonFuzz.Shorten(a)}, {b}";
                break;
            }

            case 4:
            {
                var name = fuzz.Pick(names);
                var original = payload.First(m => m.Name == name).Value;
                payload.Insert(fuzz.Random.Next(payload.Count + 1), (name, fuzz.Random.Next(2) == 0 ? original : fuzz.Value()));
                what = name + " twice";
                break;
            }

            case 5 or 6:
            {
                // A signed field with another JSON value or type (its text as a string, a date as a number, …).
                var name = fuzz.Pick(names);
                var original = signed[name];
                var value = fuzz.Random.Next(3) switch
                {
                    0 => JsonFuzz.Quote(original?.ToJsonString() ?? "null"),
                    1 => DateTimeOffset.TryParse(original?.ToString(), CultureInfo.InvariantCulture, out var date) ? date.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : "{}",
                    _ => fuzz.Value(),
                };
                while (JsonNode.DeepEquals(JsonNode.Parse(value), original))
                {
                    value = fuzz.Value();
                }

                Set(payload, name, value);
                what = $"{name}={JsonFuzz.Shorten(value)}";
                break;
            }

            case 7:
                switch (fuzz.Random.Next(5))
                {
                    case 0:
                        Set(header, "alg", Unless(fuzz, v => v == "\"ES256\""));
                        break;
                    case 1:
                        Set(header, "typ", Unless(fuzz, v => v.Equals("\"JWT\"", StringComparison.OrdinalIgnoreCase)));
                        break;
                    case 2:
                        header.Add(("crit", fuzz.Value()));
                        break;
                    case 3:
                        // The device JWT's content type: an approval is not a device token.
                        header.Add(("cty", JsonFuzz.Quote(DeviceJwt.ContentType)));
                        break;
                    default:
                        header.Insert(0, ("alg", "\"ES256\""));
                        break;
                }

                what = "header " + JsonFuzz.Shorten(JsonFuzz.Object(header));
                break;
            case 8:
                payload.Add(("x", fuzz.Nested(fuzz.Random.Next(StrictJson.MaxDepth, 500))));
                what = "deep";
                break;
            default:
            {
                var name = fuzz.Pick([.. names, "status"]);
                payload.RemoveAll(m => m.Name == name);
                what = "no " + name;
                break;
            }
        }

        return (Encoding.UTF8.GetBytes(JsonFuzz.Object(header)), Encoding.UTF8.GetBytes(JsonFuzz.Object(payload)), what);
    }

    private static string Unless(JsonFuzz fuzz, Func<string, bool> acceptable)
    {
        var value = fuzz.Value();
        while (acceptable(value))
        {
            value = fuzz.Value();
        }

        return value;
    }

    private static void Set(List<(string Name, string Value)> members, string name, string value)
    {
        var index = members.FindIndex(m => m.Name == name);
        if (index < 0)
        {
            members.Add((name, value));
        }
        else
        {
            members[index] = (name, value);
        }
    }
}
