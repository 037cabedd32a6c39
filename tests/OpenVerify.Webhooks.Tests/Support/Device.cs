using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.Webhooks.Tests.Support;

/// <summary>
/// Drives the domain over the API the way a backend and a device would: a service, factors (created,
/// verified with the device's key), challenges answered with an ES256 AuthPayload.
/// </summary>
public sealed class Device(ServerHost host, string serviceSid, string identity) : IDisposable
{
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string Identity => identity;
    public string FactorSid { get; private set; } = "";
    public string EntitySid { get; private set; } = "";

    public static async Task<string> CreateServiceAsync(ServerHost host, string name = "Webhook tests") =>
        (await host.PostAsync("/v2/Services", ("FriendlyName", name))).GetProperty("sid").GetString()!;

    public static async Task<JsonElement> CreateWebhookAsync(ServerHost host, string serviceSid, string url, params string[] eventTypes)
    {
        var form = new List<(string, string)> { ("FriendlyName", "hook"), ("WebhookUrl", url) };
        form.AddRange(eventTypes.Select(t => ("EventTypes", t)));
        return await host.PostAsync($"/v2/Services/{serviceSid}/Webhooks", form.ToArray());
    }

    private string Factors => $"/v2/Services/{serviceSid}/Entities/{identity}/Factors";
    private string Challenges => $"/v2/Services/{serviceSid}/Entities/{identity}/Challenges";

    /// <summary>Creates an unverified factor (factor.created).</summary>
    public async Task<string> EnrolAsync(string friendlyName)
    {
        var factor = await host.PostAsync(Factors,
            ("FriendlyName", friendlyName), ("FactorType", "push"), ("Binding.Alg", "ES256"), ("Binding.PublicKey", P256PublicKey.Export(key)),
            ("Config.SdkVersion", "0.1.0"), ("Config.AppId", "com.example.app"), ("Config.NotificationPlatform", "none"));
        FactorSid = factor.GetProperty("sid").GetString()!;
        EntitySid = factor.GetProperty("entity_sid").GetString()!;
        return FactorSid;
    }

    /// <summary>Proves the key (factor.verified).</summary>
    public Task VerifyAsync() =>
        host.PostAsync($"{Factors}/{FactorSid}", ("AuthPayload", Convert.ToBase64String(Es256.SignDer(key, Encoding.UTF8.GetBytes(FactorSid)))));

    public async Task DeleteAsync()
    {
        using var response = await host.SendAsync(HttpMethod.Delete, $"{Factors}/{FactorSid}");
        response.EnsureSuccessStatusCode();
    }

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

    /// <summary>Answers a challenge with a signed AuthPayload (challenge.approved / challenge.denied).</summary>
    public async Task<JsonElement> RespondAsync(string challengeSid, string status, string? metadata = null)
    {
        var shown = JsonNode.Parse((await host.GetAsync($"{Challenges}/{challengeSid}")).GetRawText())!.AsObject();
        var payload = new JsonObject();
        foreach (var name in "sid,factor_sid,date_created,expiration_date,details,hidden_details".Split(','))
        {
            payload[name] = shown[name]?.DeepClone();
        }

        payload["status"] = status;
        var jws = CompactJws.SignEs256(key, """{"alg":"ES256","typ":"JWT"}""", payload.ToJsonString());
        var form = new List<(string, string)> { ("AuthPayload", jws) };
        if (metadata is not null)
        {
            form.Add(("Metadata", metadata));
        }

        return await host.PostAsync($"{Challenges}/{challengeSid}", form.ToArray());
    }

    public void Dispose() => key.Dispose();
}
