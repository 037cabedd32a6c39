using OpenVerify.TestKit.Devices;

namespace OpenVerify.Server.Tests.Challenges;

/// <summary>Shared steps of the push-fatigue tests: signed answers with OpenVerify's members, and event counts.</summary>
internal static class PushFatigueSupport
{
    /// <summary>
    /// R7 with an AuthPayload signed by the device; <paramref name="number"/> and <paramref name="reported"/>
    /// become the signed <c>number_match</c> and <c>reported</c> members, <paramref name="reportedField"/> the form field.
    /// </summary>
    public static async Task<DeviceResponse> AnswerAsync(Enrolment e, string challengeSid, string status, int? number = null, bool? reported = null, string? reportedField = null)
    {
        var payload = await SignAsync(e, challengeSid, status, number, reported);
        var form = new List<KeyValuePair<string, string>> { new("AuthPayload", payload) };
        if (reportedField is not null)
        {
            form.Add(new("Reported", reportedField));
        }

        return await e.Device.SendWithJwtAsync(e.Factor, HttpMethod.Post, e.ChallengePath(challengeSid)["/v2/".Length..], form, throwOnFailure: false);
    }

    public static Task<string> SignAsync(Enrolment e, string challengeSid, string status, int? number = null, bool? reported = null)
    {
        var extra = new Dictionary<string, JsonNode?>();
        if (number is not null)
        {
            extra["number_match"] = number.Value;
        }

        if (reported is not null)
        {
            extra["reported"] = reported.Value;
        }

        return e.Device.PrepareAnswerAsync(e.Factor, challengeSid, status, extra: extra);
    }

    /// <summary>The event types delivered (or dead-lettered) to the webhook, oldest first, after running the outbox.</summary>
    public static async Task<List<string>> EventsAsync(TestApi api, string serviceSid, string webhookSid)
    {
        await api.DeliverOutboxAsync();
        var deliveries = (await api.Account.GetAsync($"/v2/Services/{serviceSid}/Webhooks/{webhookSid}/Deliveries?PageSize=100")).Expect(200)["deliveries"]!.AsArray();
        return deliveries.Select(d => d.Str("type")!).ToList();
    }

    /// <summary>A webhook (loopback, never contacted on a server with <see cref="TestApi.OffMachineGuard"/>) for these event types.</summary>
    public static async Task<string> SubscribeAsync(TestApi api, string serviceSid, params string[] types) =>
        (await api.Account.PostAsync($"/v2/Services/{serviceSid}/Webhooks",
            [("FriendlyName", "fatigue"), .. types.Select(t => ("EventTypes", t)), ("WebhookUrl", "http://127.0.0.1:9/hook")])).Expect(201).Str("sid")!;

    public static async Task<JsonObject> CountersAsync(TestApi api, string serviceSid) =>
        (await api.Account.GetAsync($"/v2/Services/{serviceSid}/PushFatigue")).Expect(200);

    /// <summary>A refusal of CreateChallenge for a limit: 429, 20429, Retry-After in whole seconds, Twilio-Reached-Rate-Limit.</summary>
    public static void AssertRateLimited(ApiResponse response, long retryAfterSeconds)
    {
        response.ExpectError(20429, 429);
        Assert.Equal(retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Header("Retry-After"));
        Assert.Equal("true", response.Header("Twilio-Reached-Rate-Limit"));
    }
}
