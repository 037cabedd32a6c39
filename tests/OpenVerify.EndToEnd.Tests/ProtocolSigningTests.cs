using System.Text;
using System.Text.Json.Nodes;
using OpenVerify.EndToEnd.Tests.Infrastructure;
using OpenVerify.Protocol.Signing;
using OpenVerify.TestKit.Devices;
using Twilio.Rest.Verify.V2;
using Twilio.Rest.Verify.V2.Service;
using Twilio.Rest.Verify.V2.Service.Entity;

namespace OpenVerify.EndToEnd.Tests;

/// <summary>
/// The device side signed with OpenVerify.Protocol's own helpers (CompactJws.SignEs256, Es256.SignDer,
/// P256PublicKey.Export) rather than the emulator's SDK transcoding: what the SDK client in this
/// repository will send must be accepted by the real server just the same.
/// </summary>
[Collection(SharedServer.Name)]
public sealed class ProtocolSigningTests(RunningServer running)
{
    private ServerProcess Server => running.Server;

    [Fact]
    public async Task Verify_get_and_approve_signed_with_the_protocol_helpers_are_accepted()
    {
        var backend = TwilioHelper.Client(Server.BaseUrl, Server.AccountSid, Server.AuthToken);
        var service = await ServiceResource.CreateAsync(friendlyName: "Protocol signing", client: backend);
        var identity = "signer-" + Guid.NewGuid().ToString("N");
        var token = await AccessTokenResource.CreateAsync(service.Sid, identity, AccessTokenResource.FactorTypesEnum.Push, client: backend);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        // The emulator is only the transport here (headers, form encoding); every signature below is made by hand.
        var phone = new DeviceEmulator(http, DeviceFlavour.Android, baseUrl: Server.DeviceBaseUrl) { PushToken = null };
        using var factor = await phone.CreateFactorAsync(service.Sid, identity, token.Token);
        Assert.Equal(P256PublicKey.Export(factor.Key), factor.PublicKey);
        var factorPath = $"Services/{service.Sid}/Entities/{identity}/Factors/{factor.Sid}";

        // R2: AuthPayload = base64(DER ECDSA over the factor SID).
        var authPayload = Convert.ToBase64String(Es256.SignDer(factor.Key, Encoding.UTF8.GetBytes(factor.Sid)));
        var verified = await phone.SendAsync(HttpMethod.Post, factorPath, [new("AuthPayload", authPayload)], DeviceJwt(factor));
        Assert.Equal(200, verified.StatusCode);
        Assert.Equal("verified", verified.Json!["status"]!.GetValue<string>());

        var challenge = await ChallengeResource.CreateAsync(service.Sid, identity, factor.Sid, detailsMessage: "Signed by hand?",
            detailsFields: [new { label = "Path", value = "/a/b?c=d" }], hiddenDetails: new Dictionary<string, string> { ["k"] = "v" }, client: backend);
        var challengePath = $"Services/{service.Sid}/Entities/{identity}/Challenges/{challenge.Sid}";

        // R5, then R7 with a JWS over the advertised fields plus the new status.
        var shown = await phone.SendAsync(HttpMethod.Get, challengePath, [], DeviceJwt(factor));
        Assert.Equal(200, shown.StatusCode);
        var fields = shown.Header("Twilio-Verify-Signature-Fields")!;
        var body = shown.Json!.AsObject();
        var payload = new JsonObject();
        foreach (var name in fields.Split(','))
        {
            payload[name] = body[name]?.DeepClone();
        }

        payload["status"] = "approved";
        var answer = CompactJws.SignEs256(factor.Key, """{"typ":"JWT","alg":"ES256"}""", payload.ToJsonString());
        var answered = await phone.SendAsync(HttpMethod.Post, challengePath, [new("AuthPayload", answer)], DeviceJwt(factor));
        Assert.Equal(200, answered.StatusCode);

        var approved = await ChallengeResource.FetchAsync(service.Sid, identity, challenge.Sid, client: backend);
        Assert.Equal(ChallengeResource.ChallengeStatusesEnum.Approved, approved.Status);
    }

    /// <summary>docs/protocol/device.md §2, built with CompactJws.SignEs256 on the real clock.</summary>
    private static string DeviceJwt(DeviceFactor factor)
    {
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        return CompactJws.SignEs256(
            factor.Key,
            $$"""{"cty":"twilio-pba;v=1","kid":"{{factor.CredentialSid}}","typ":"JWT","alg":"ES256"}""",
            $$"""{"sub":"{{factor.AccountSid}}","exp":{{now + 600}},"nbf":{{now}}}""");
    }
}
