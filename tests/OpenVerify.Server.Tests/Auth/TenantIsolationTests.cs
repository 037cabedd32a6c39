using OpenVerify.TestKit.Devices;

namespace OpenVerify.Server.Tests.Auth;

/// <summary>
/// Account A never sees account B: valid credentials of one tenant used on another tenant's resources
/// answer 404 20404, the body names nothing of the other tenant, nothing changes and nothing is sent.
/// </summary>
public sealed class TenantIsolationTests
{
    private const string Message = "Log in to Example?";

    /// <summary>Another account's service with a verified factor of <paramref name="identity"/> on a device of its own.</summary>
    private static async Task<(string ServiceSid, DeviceEmulator Device, DeviceFactor Factor)> EnrolElsewhereAsync(TestApi api, ApiClient other, string identity)
    {
        var service = (await other.PostAsync("/v2/Services", ("FriendlyName", "Theirs"))).Expect(201).Str("sid")!;
        var token = (await other.PostAsync($"/v2/Services/{service}/AccessTokens", ("Identity", identity), ("FactorType", "push"))).Expect(201).Str("token")!;
        var device = api.Device(seed: 2);
        var factor = await device.CreateFactorAsync(service, identity, token, "Their phone");
        Assert.Equal("verified", await device.VerifyFactorAsync(factor));
        return (service, device, factor);
    }

    /// <summary>404 20404, and the body repeats nothing of the other tenant beyond what the caller sent in <paramref name="path"/>.</summary>
    private static void AssertNotFoundAndSilent(string path, int status, int? code, string body, params string[] secrets)
    {
        Assert.True(status == 404 && code == 20404, $"{path}: expected 404/20404, got {status}: {body}");
        foreach (var secret in secrets.Where(s => !path.Contains(s, StringComparison.Ordinal)))
        {
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_valid_device_jwt_of_another_accounts_factor_gets_404_on_this_accounts_paths_and_changes_nothing()
    {
        await using var api = await TestApi.StartAsync(TestApi.OffMachineGuard());
        var service = await api.CreateServiceAsync("Ours");
        // Note: a loopback URL on a server that refuses private networks: deliveries are recorded, never sent.
        var hook = (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", ("FriendlyName", "h"), ("EventTypes", "*"), ("WebhookUrl", "http://127.0.0.1:9/hook"))).Expect(201).Str("sid")!;
        var e = await api.EnrolAsync(service);
        var challenge = (await api.CreateChallengeAsync(e)).Str("sid")!;
        var signedByOwner = await e.Device.PrepareAnswerAsync(e.Factor, challenge, "approved");
        // The same identity in both accounts: only the account boundary stands in the way.
        var other = await api.CreateOtherAccountAsync();
        var (theirService, theirDevice, theirFactor) = await EnrolElsewhereAsync(api, other, e.Identity);
        var secrets = new[] { api.AccountSid, e.Factor.Sid, challenge, Message, "Emulated phone", hook };

        var entity = e.EntityPath["/v2/".Length..];
        var attempts = new (HttpMethod Method, string Path, KeyValuePair<string, string>[] Form)[]
        {
            (HttpMethod.Get, $"Services/{service}", []),
            (HttpMethod.Get, $"{entity}/Challenges", [new("FactorSid", theirFactor.Sid), new("PageSize", "50")]),
            (HttpMethod.Get, $"{entity}/Challenges/{challenge}", []),
            (HttpMethod.Post, $"{entity}/Challenges/{challenge}", [new("AuthPayload", signedByOwner)]),
            (HttpMethod.Get, $"{entity}/Factors/{e.Factor.Sid}", []),
            (HttpMethod.Post, $"{entity}/Factors/{e.Factor.Sid}", [new("FriendlyName", "stolen")]),
            (HttpMethod.Delete, $"{entity}/Factors/{e.Factor.Sid}", []),
            (HttpMethod.Get, $"{entity}/Factors/{theirFactor.Sid}", []),
            (HttpMethod.Post, $"{entity}/Factors/{theirFactor.Sid}", [new("FriendlyName", "moved")]),
            (HttpMethod.Delete, $"{entity}/Factors/{theirFactor.Sid}", []),
        };
        foreach (var (method, path, form) in attempts)
        {
            var response = await theirDevice.SendWithJwtAsync(theirFactor, method, path, form, throwOnFailure: false);
            AssertNotFoundAndSilent(path, response.StatusCode, response.ErrorCode, response.Body, secrets);
        }

        var after = (await api.Account.GetAsync(e.ChallengePath(challenge))).Expect(200);
        Assert.Equal("pending", after.Str("status"));
        var factor = (await api.Account.GetAsync(e.FactorPath)).Expect(200);
        Assert.Equal(("verified", "Emulated phone"), (factor.Str("status"), factor.Str("friendly_name")));
        // Their factor stays where it is and as it was, and their device still works on their own service.
        Assert.Equal("Their phone", (await other.GetAsync($"/v2/Services/{theirService}/Entities/{e.Identity}/Factors/{theirFactor.Sid}")).Expect(200).Str("friendly_name"));
        Assert.Equal("Theirs", (await theirDevice.GetServiceAsync(theirFactor)).Str("friendly_name"));
        await api.DeliverOutboxAsync();
        var events = (await api.Account.GetAsync($"/v2/Services/{service}/Webhooks/{hook}/Deliveries?PageSize=100")).Expect(200)["deliveries"]!.AsArray();
        Assert.Equal(["factor.created", "factor.verified"], events.Select(d => d.Str("type")));
        // The owner's own answer still works afterwards.
        Assert.Equal(200, (await e.Device.SendAnswerAsync(e.Factor, challenge, signedByOwner)).StatusCode);
    }

    [Fact]
    public async Task Another_account_gets_404_for_webhook_deliveries_and_their_replay_and_nothing_is_revived()
    {
        await using var api = await TestApi.StartAsync(TestApi.OffMachineGuard());
        var service = await api.CreateServiceAsync("Ours");
        // Note: refused at delivery (private networks are off here), so each delivery is dead after one try, never sent.
        var hook = (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", ("FriendlyName", "h"), ("EventTypes", "*"), ("WebhookUrl", "http://127.0.0.1:9/hook"))).Expect(201).Str("sid")!;
        var e = await api.EnrolAsync(service);
        await api.DeliverOutboxAsync();
        var deliveriesPath = $"/v2/Services/{service}/Webhooks/{hook}/Deliveries";
        var before = (await api.Account.GetAsync(deliveriesPath + "?PageSize=100")).Expect(200)["deliveries"]!.AsArray();
        Assert.Equal(2, before.Count);
        Assert.All(before, d => Assert.Equal("dead", d.Str("state")));
        var dead = before[0]!;
        var id = dead["id"]!.GetValue<long>();
        var other = await api.CreateOtherAccountAsync();
        var theirService = (await other.PostAsync("/v2/Services", ("FriendlyName", "Theirs"))).Expect(201).Str("sid")!;
        var secrets = new[] { api.AccountSid, dead.Str("uuid")!, e.Identity, e.Factor.Sid };

        var attempts = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Get, deliveriesPath),
            (HttpMethod.Get, $"{deliveriesPath}/{id}"),
            (HttpMethod.Post, $"{deliveriesPath}/{id}/Replay"),
            (HttpMethod.Get, $"/v2/Services/{theirService}/Webhooks/{hook}/Deliveries"),
            (HttpMethod.Get, $"/v2/Services/{theirService}/Webhooks/{hook}/Deliveries/{id}"),
            (HttpMethod.Post, $"/v2/Services/{theirService}/Webhooks/{hook}/Deliveries/{id}/Replay"),
        };
        foreach (var (method, path) in attempts)
        {
            var response = await other.SendAsync(method, path, method == HttpMethod.Post ? new FormUrlEncodedContent([]) : null);
            AssertNotFoundAndSilent(path, response.StatusCode, response.ErrorCode, response.Body, secrets);
        }

        var unchanged = (await api.Account.GetAsync($"{deliveriesPath}/{id}")).Expect(200);
        Assert.Equal(("dead", dead.Int("attempts")), (unchanged.Str("state"), unchanged.Int("attempts")));
        // It was replayable all along: the owner's replay is accepted.
        Assert.Equal("pending", (await api.Account.PostAsync($"{deliveriesPath}/{id}/Replay")).Expect(200).Str("state"));
    }

    [Theory]
    [InlineData("Push.FcmCredentialSid")]
    [InlineData("Push.ApnCredentialSid")]
    public async Task A_service_naming_another_accounts_push_credential_is_404_like_an_unknown_one_and_nothing_is_written(string setting)
    {
        await using var api = await TestApi.StartAsync();
        var ours = setting == "Push.FcmCredentialSid"
            ? await TestApi.CreateFcmCredentialAsync(api.Account, "our secret firebase")
            : await TestApi.CreateApnCredentialAsync(api.Account, "our secret apns");
        var other = await api.CreateOtherAccountAsync();
        var theirService = (await other.PostAsync("/v2/Services", ("FriendlyName", "Theirs"))).Expect(201).Str("sid")!;
        var theirServiceBefore = (await other.GetAsync($"/v2/Services/{theirService}")).Expect(200).ToJsonString();
        var secrets = new[] { api.AccountSid, "our secret" };
        var unknown = "CR" + new string('7', 32);

        var create = await other.PostAsync("/v2/Services", ("FriendlyName", "Borrowing"), (setting, ours));
        var update = await other.PostAsync($"/v2/Services/{theirService}", ("FriendlyName", "Borrowing"), (setting, ours));
        var createUnknown = await other.PostAsync("/v2/Services", ("FriendlyName", "Borrowing"), (setting, unknown));

        foreach (var refused in new[] { create, update, createUnknown })
        {
            AssertNotFoundAndSilent("/v2/Services", refused.StatusCode, refused.ErrorCode, refused.Body, secrets);
        }

        // Someone else's credential reads exactly like one that does not exist.
        Assert.Equal(createUnknown.Json.Str("message")!.Replace(unknown, "CR…", StringComparison.Ordinal), create.Json.Str("message")!.Replace(ours, "CR…", StringComparison.Ordinal));
        Assert.Equal([theirService], (await other.GetAsync("/v2/Services")).Expect(200).Sids("services"));
        Assert.Equal(theirServiceBefore, (await other.GetAsync($"/v2/Services/{theirService}")).Expect(200).ToJsonString());
        var key = setting == "Push.FcmCredentialSid" ? "fcm_credential_sid" : "apn_credential_sid";
        // The owner may use it.
        Assert.Equal(ours, (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "Ours"), (setting, ours))).Expect(201)["push"].Str(key));
    }
}
