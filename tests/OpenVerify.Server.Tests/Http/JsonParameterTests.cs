using System.Text.Json;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Tests.Auth;
using OpenVerify.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OpenVerify.Server.Tests.Http;

/// <summary>
/// Form parameters that carry JSON text (<c>Details.Fields</c>, <c>HiddenDetails</c>, <c>Metadata</c>):
/// a key named twice, nesting past <see cref="StrictJson.MaxDepth"/> or a string that does not decode
/// is the parameter's 400 (60368 for details, 60200 otherwise), never a 500, and nothing is written.
/// </summary>
public sealed class JsonParameterTests(ITestOutputHelper output)
{
    public static TheoryData<string> BadStringMaps() =>
    [
        """{"ip":"10.0.0.1","ip":"10.0.0.2"}""",
        """{"ip":"10.0.0.1","\u0069p":"10.0.0.2"}""",
        """{"k":"\ud800"}""",
        """{"\udc00":"v"}""",
        """{"k":"v","n":""" + new string('[', 40) + new string(']', 40) + "}",
        new string('[', 600) + new string(']', 600),
    ];

    [Theory]
    [MemberData(nameof(BadStringMaps))]
    public async Task Bad_HiddenDetails_is_60200_and_no_challenge_is_created(string hidden)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var outbox = await DeviceJwtFuzzTests.OutboxCountAsync(api);
        (await api.PostChallengeAsync(e, ("HiddenDetails", hidden))).ExpectError(60200, 400);
        Assert.Empty((await api.Account.GetAsync(e.EntityPath + "/Challenges")).Expect(200).Sids("challenges"));
        Assert.Equal(outbox, await DeviceJwtFuzzTests.OutboxCountAsync(api));
    }

    [Theory]
    [MemberData(nameof(BadStringMaps))]
    public async Task Bad_Metadata_on_create_factor_is_60200_and_no_factor_is_created(string metadata)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var token = await api.CreateAccessTokenAsync(service, identity);
        var device = api.Device();
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        KeyValuePair<string, string>[] form = [new("FriendlyName", "Phone"), new("FactorType", "push"), new("Binding.PublicKey", OpenVerify.Protocol.Signing.P256PublicKey.Export(key)), new("Binding.Alg", "ES256"),
            new("Config.SdkVersion", "0.9.0"), new("Config.AppId", "com.example"), new("Config.NotificationPlatform", "none")];
        var path = $"Services/{service}/Entities/{identity}/Factors";
        var response = await device.SendAsync(HttpMethod.Post, path, [.. form, new("Metadata", metadata)], token);
        Assert.True(response.StatusCode == 400 && response.ErrorCode == 60200, response.ToString());
        Assert.Empty((await api.Account.GetAsync($"/v2/Services/{service}/Entities/{identity}/Factors")).Expect(200).Sids("factors"));

        // The access token was not used up: the same request with good metadata creates the factor.
        Assert.Equal(201, (await device.SendAsync(HttpMethod.Post, path, [.. form, new("Metadata", """{"os":"Android"}""")], token)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(BadStringMaps))]
    public async Task Bad_Metadata_on_an_approval_is_60200_and_the_challenge_stays_pending(string metadata)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        var sid = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var approval = await e.Device.PrepareAnswerAsync(e.Factor, sid, "approved");
        var response = await e.Device.SendWithJwtAsync(e.Factor, HttpMethod.Post, e.ChallengePath(sid)["/v2/".Length..], [new("AuthPayload", approval), new("Metadata", metadata)], throwOnFailure: false);
        Assert.True(response.StatusCode == 400 && response.ErrorCode == 60200, response.ToString());
        Assert.Equal("pending", (await api.Account.GetAsync(e.ChallengePath(sid))).Expect(200).Str("status"));
    }

    [Theory]
    [InlineData("""{"label":"Where","label":"Lisbon","value":"x"}""")]
    [InlineData("""{"label":"Where","Label":"Lisbon","value":"x"}""")]
    [InlineData("""{"label":"Where","value":"Lisbon","VALUE":"Porto"}""")]
    [InlineData("""{"label":"Where","value":"Lisbon","note":"a","note":"b"}""")]
    [InlineData("""{"label":"Where","value":"\ud800"}""")]
    [InlineData("""{"label":"Where","value":"Lisbon","n":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}""")]
    public async Task Bad_Details_Fields_is_60368_and_no_challenge_is_created(string field)
    {
        await using var api = await TestApi.StartAsync();
        var e = await api.EnrolNewAsync();
        (await api.PostChallengeAsync(e, ("Details.Fields", """{"label":"Fine","value":"yes"}"""), ("Details.Fields", field))).ExpectError(60368, 400);
        Assert.Empty((await api.Account.GetAsync(e.EntityPath + "/Challenges")).Expect(200).Sids("challenges"));
    }

    /// <summary>
    /// Property-style: random JSON text as HiddenDetails is accepted exactly when .NET 10's own strict
    /// reader (<c>AllowDuplicateProperties = false</c>) sees an object of strings within 1024 characters,
    /// comes back as that object when accepted, and is a 60200 with nothing written otherwise.
    /// </summary>
    [Fact]
    public async Task HiddenDetails_is_accepted_exactly_when_it_is_a_strict_object_of_strings()
    {
        const int inputs = 150;
        await using var api = await TestApi.StartAsync();
        // Every accepted input stays pending on one factor: the pending limit (#13) is off for this.
        var e = await api.EnrolAsync(await api.CreateServiceAsync("fuzz", ("Push.PendingLimit", "0")));
        var fuzz = new JsonFuzz(DeviceJwtFuzzTests.Seed);
        var created = new List<string>();
        var histogram = new SortedDictionary<string, int>();
        var failures = new List<string>();
        for (var i = 0; i < inputs; i++)
        {
            var text = RandomMap(fuzz);
            var expected = Oracle(text);
            var response = await api.PostChallengeAsync(e, ("HiddenDetails", text));
            var key = $"{response.StatusCode}/{response.ErrorCode}";
            histogram[key] = histogram.GetValueOrDefault(key) + 1;
            if (expected is null ? response.StatusCode != 400 || response.ErrorCode != 60200 : response.StatusCode != 201 || !JsonNode.DeepEquals(response.Json["hidden_details"], expected))
            {
                failures.Add($"#{i} {JsonFuzz.Shorten(text)} (expected {(expected is null ? "60200" : "201")}): {JsonFuzz.Shorten(response.ToString())}");
            }

            if (response.StatusCode == 201)
            {
                created.Add(response.Json.Str("sid")!);
            }
        }

        output.WriteLine($"seed {DeviceJwtFuzzTests.Seed}: {inputs} HiddenDetails values; status/code: {string.Join(", ", histogram.Select(h => $"{h.Key}: {h.Value}"))}");
        Assert.True(failures.Count == 0, $"seed {DeviceJwtFuzzTests.Seed}:\n{string.Join("\n", failures.Take(15))}");
        var listed = (await api.Account.GetAsync(e.EntityPath + "/Challenges?PageSize=1000")).Expect(200).Sids("challenges");
        Assert.Equal(created.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    private static readonly string[] Names = ["ip", "\\u0069p", "IP", "os", "k", ""];

    /// <summary>Mostly objects of strings with names drawn from a few (so some repeat), sometimes other values.</summary>
    private static string RandomMap(JsonFuzz fuzz)
    {
        if (fuzz.Random.Next(8) == 0)
        {
            return fuzz.Value();
        }

        var members = Enumerable.Range(0, fuzz.Random.Next(4)).Select(_ =>
        {
            var name = fuzz.Pick(Names);
            var value = fuzz.Random.Next(6) switch
            {
                0 => fuzz.Value(),
                1 => "\"\\ud800\"",
                _ => JsonFuzz.Quote(fuzz.Random.Next(2) == 0 ? fuzz.Text() : "v" + fuzz.Random.Next(100)),
            };
            return "\"" + name + "\":" + value;
        });
        return "{" + string.Join(",", members) + "}";
    }

    /// <summary>The expected hidden_details, or null when the text must be refused.</summary>
    private static JsonObject? Oracle(string text)
    {
        if (text.Length > 1024)
        {
            return null;
        }

        try
        {
            if (JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) is not JsonObject map)
            {
                return null;
            }

            foreach (var (name, value) in map)
            {
                if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
                {
                    return null;
                }

                // Reading decodes: an escaped lone surrogate throws here.
                _ = v.GetValue<string>() + name;
            }

            return map;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }
}
