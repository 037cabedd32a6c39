using Newtonsoft.Json.Linq;
using OpenVerify.EndToEnd.Tests.Infrastructure;
using OpenVerify.TestKit.Devices;
using Twilio.Rest.Verify.V2;
using Twilio.Rest.Verify.V2.Service;
using Twilio.Rest.Verify.V2.Service.Entity;

namespace OpenVerify.EndToEnd.Tests;

/// <summary>Challenge details as the helper writes them and as both phones read and sign them back.</summary>
[Collection(SharedServer.Name)]
public sealed class ChallengeDetailsTests(RunningServer running)
{
    private ServerProcess Server => running.Server;

    [Theory]
    [InlineData(DeviceFlavour.Android)]
    [InlineData(DeviceFlavour.Ios)]
    public async Task Push_include_date_puts_date_created_into_details_and_the_phone_can_still_approve(DeviceFlavour flavour)
    {
        var backend = TwilioHelper.Client(Server.BaseUrl, Server.AccountSid, Server.AuthToken);
        var service = await ServiceResource.CreateAsync(friendlyName: "With date", pushIncludeDate: true, client: backend);
        var identity = "dated-" + Guid.NewGuid().ToString("N");
        var token = await AccessTokenResource.CreateAsync(service.Sid, identity, AccessTokenResource.FactorTypesEnum.Push, client: backend);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var phone = new DeviceEmulator(http, flavour, baseUrl: Server.DeviceBaseUrl);
        using var factor = await phone.CreateFactorAsync(service.Sid, identity, token.Token);
        await phone.VerifyFactorAsync(factor);

        var challenge = await ChallengeResource.CreateAsync(
            service.Sid, identity, factor.Sid, detailsMessage: "Pay 10 € to ACME / Berlin?",
            detailsFields: [new { label = "Amount", value = "10 €" }, new { label = "Payee", value = "ACME GmbH & Co. KG" }],
            hiddenDetails: new Dictionary<string, string> { ["order"] = "A/42", ["note"] = "x+y=z" },
            client: backend);
        var details = (JObject)challenge.Details;
        // Note: Newtonsoft turns ISO date strings inside a JObject into dates.
        Assert.Equal(JTokenType.Date, details["date"]!.Type);
        Assert.Equal(challenge.DateCreated, details["date"]!.Value<DateTime>());

        var seen = await phone.GetChallengeAsync(factor, challenge.Sid);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", seen.Body["details"]!["date"]!.GetValue<string>());
        Assert.Equal("Pay 10 € to ACME / Berlin?", seen.Body["details"]!["message"]!.GetValue<string>());
        Assert.Equal("A/42", seen.Body["hidden_details"]!["order"]!.GetValue<string>());
        await phone.ApproveAsync(factor, challenge.Sid);

        var approved = await ChallengeResource.FetchAsync(service.Sid, identity, challenge.Sid, client: backend);
        Assert.Equal(ChallengeResource.ChallengeStatusesEnum.Approved, approved.Status);
        Assert.Equal("10 €", (string?)((JObject)approved.Details)["fields"]![0]!["value"]);
        Assert.Equal("x+y=z", (string?)((JObject)approved.HiddenDetails)["note"]);
    }
}
