using System.Text.Json;
using OpenVerify.TestKit.Devices;

namespace OpenVerify.Server.Tests.Delivery.Webhooks;

/// <summary>
/// A user's phone and their bank's backend, as the webhook tests drive them: the backend makes the service,
/// webhooks, enrolment access tokens and challenges over the API; the phone is TestKit's
/// <see cref="DeviceEmulator"/> (create and verify the factor, answer challenges with a signed AuthPayload).
/// </summary>
public sealed class Phone(ServerHost host, string serviceSid, string identity) : IDisposable
{
    private readonly DeviceEmulator device = new(host.Api.Http, DeviceFlavour.Android, host.Clock) { PushToken = null };
    private DeviceFactor? factor;

    public string Identity => identity;

    public string FactorSid => Factor.Sid;

    private DeviceFactor Factor => factor ?? throw new InvalidOperationException("enrol first");

    public static async Task<string> CreateServiceAsync(ServerHost host, string name = "Webhook tests") =>
        (await host.PostAsync("/v2/Services", ("FriendlyName", name))).GetProperty("sid").GetString()!;

    public static async Task<JsonElement> CreateWebhookAsync(ServerHost host, string serviceSid, string url, params string[] eventTypes)
    {
        var form = new List<(string, string)> { ("FriendlyName", "hook"), ("WebhookUrl", url) };
        form.AddRange(eventTypes.Select(t => ("EventTypes", t)));
        return await host.PostAsync($"/v2/Services/{serviceSid}/Webhooks", form.ToArray());
    }

    private string Challenges => $"/v2/Services/{serviceSid}/Entities/{identity}/Challenges";

    /// <summary>Creates an unverified factor with an enrolment access token (factor.created).</summary>
    public async Task<string> EnrolAsync(string friendlyName)
    {
        var token = await host.PostAsync($"/v2/Services/{serviceSid}/AccessTokens", ("Identity", identity), ("FactorType", "push"));
        factor = await device.CreateFactorAsync(serviceSid, identity, token.GetProperty("token").GetString()!, friendlyName);
        return factor.Sid;
    }

    /// <summary>Proves the key (factor.verified).</summary>
    public Task VerifyAsync() => device.VerifyFactorAsync(Factor);

    public Task DeleteAsync() => device.DeleteFactorAsync(Factor);

    public async Task<string> ChallengeAsync(string message, string? hiddenDetails = null, DateTimeOffset? expires = null)
    {
        var form = new List<(string, string)> { ("FactorSid", FactorSid), ("Details.Message", message), ("Details.Fields", """{"label":"Action","value":"Sign in"}""") };
        if (hiddenDetails is not null)
        {
            form.Add(("HiddenDetails", hiddenDetails));
        }

        if (expires is not null)
        {
            form.Add(("ExpirationDate", expires.Value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)));
        }

        return (await host.PostAsync(Challenges, form.ToArray())).GetProperty("sid").GetString()!;
    }

    /// <summary>Answers a challenge with a signed AuthPayload (challenge.approved / challenge.denied), with optional metadata.</summary>
    public async Task RespondAsync(string challengeSid, string status, string? metadata = null)
    {
        if (metadata is null)
        {
            await device.UpdateChallengeAsync(Factor, challengeSid, status);
            return;
        }

        // Note: the mobile SDKs never send Metadata with an answer, but the API takes it (docs/protocol/rest-api.md).
        var authPayload = await device.PrepareAnswerAsync(Factor, challengeSid, status);
        var answer = await device.SendWithJwtAsync(Factor, HttpMethod.Post, $"Services/{serviceSid}/Entities/{identity}/Challenges/{challengeSid}",
            [new("AuthPayload", authPayload), new("Metadata", metadata)]);
        Assert.True(answer.IsSuccess, answer.Body);
    }

    public void Dispose() => factor?.Dispose();
}
