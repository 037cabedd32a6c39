using OpenVerify.EndToEnd.Tests.Infrastructure;
using OpenVerify.TestKit.Devices;
using Twilio.Exceptions;
using Twilio.Rest.Verify.V2;
using Twilio.Rest.Verify.V2.Service;
using Twilio.Rest.Verify.V2.Service.Entity;

namespace OpenVerify.EndToEnd.Tests;

/// <summary>ExpirationDate as the helper sends it (UTC, seconds, literal Z), and what the phone sees once it has passed.</summary>
[Collection(SharedServer.Name)]
public sealed class ChallengeExpiryTests(RunningServer running)
{
    private ServerProcess Server => running.Server;

    [Fact]
    public async Task A_challenge_past_its_expiration_date_reads_expired_and_cannot_be_answered()
    {
        var backend = TwilioHelper.Client(Server.BaseUrl, Server.AccountSid, Server.AuthToken);
        var service = await ServiceResource.CreateAsync(friendlyName: "Expiry", client: backend);
        var identity = "expiry-" + Guid.NewGuid().ToString("N");
        var token = await AccessTokenResource.CreateAsync(service.Sid, identity, AccessTokenResource.FactorTypesEnum.Push, client: backend);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var phone = new DeviceEmulator(http, DeviceFlavour.Android, baseUrl: Server.DeviceBaseUrl) { PushToken = null };
        using var factor = await phone.CreateFactorAsync(service.Sid, identity, token.Token);
        await phone.VerifyFactorAsync(factor);

        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var expiry = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc).AddSeconds(3);
        var challenge = await ChallengeResource.CreateAsync(service.Sid, identity, factor.Sid, expirationDate: expiry, detailsMessage: "Soon gone", client: backend);
        Assert.Equal(expiry, challenge.ExpirationDate);

        // The answer is signed while the challenge is pending, and sent only after it expired.
        var answer = await phone.PrepareAnswerAsync(factor, challenge.Sid, "approved");
        // Note: a real process has no fake clock. It reads a pending challenge as expired from the instant its
        // (whole-second) expiration date is reached, so waiting for this machine's clock to reach that instant is
        // waiting for the event itself; the margin only covers the two clock reads.
        var untilExpiry = new DateTimeOffset(expiry) - TimeProvider.System.GetUtcNow() + TimeSpan.FromMilliseconds(100);
        if (untilExpiry > TimeSpan.Zero)
        {
            await Task.Delay(untilExpiry, TimeProvider.System);
        }

        var fetched = await ChallengeResource.FetchAsync(service.Sid, identity, challenge.Sid, client: backend);
        Assert.Equal("expired", fetched.Status.ToString());
        var late = await phone.SendAnswerAsync(factor, challenge.Sid, answer);
        Assert.Equal(403, late.StatusCode);
        Assert.Equal(60323, late.ErrorCode);
        var viaSdk = await Assert.ThrowsAsync<DeviceException>(() => phone.ApproveAsync(factor, challenge.Sid));
        Assert.Equal(DeviceInputReason.ExpiredChallenge, viaSdk.Reason);
        var seen = await phone.GetChallengeAsync(factor, challenge.Sid);
        Assert.Equal("expired", seen.Body["status"]!.GetValue<string>());
        Assert.Null(seen.SignatureFields);
    }

    [Fact]
    public async Task An_expiration_date_more_than_an_hour_ahead_is_refused_with_60384()
    {
        var backend = TwilioHelper.Client(Server.BaseUrl, Server.AccountSid, Server.AuthToken);
        var service = await ServiceResource.CreateAsync(friendlyName: "Expiry limit", client: backend);
        var identity = "limit-" + Guid.NewGuid().ToString("N");
        var token = await AccessTokenResource.CreateAsync(service.Sid, identity, AccessTokenResource.FactorTypesEnum.Push, client: backend);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var phone = new DeviceEmulator(http, DeviceFlavour.Ios, baseUrl: Server.DeviceBaseUrl);
        using var factor = await phone.CreateFactorAsync(service.Sid, identity, token.Token);
        await phone.VerifyFactorAsync(factor);

        var tooLate = TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(2);
        var refused = await Assert.ThrowsAsync<ApiException>(() =>
            ChallengeResource.CreateAsync(service.Sid, identity, factor.Sid, expirationDate: tooLate, detailsMessage: "Too long", client: backend));
        Assert.Equal(400, refused.Status);
        Assert.Equal(60384, refused.Code);
    }
}
