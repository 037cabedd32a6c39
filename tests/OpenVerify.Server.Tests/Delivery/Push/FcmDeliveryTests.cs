using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Delivery.Push;

namespace OpenVerify.Server.Tests.Delivery.Push;

public sealed class FcmDeliveryTests : PushTestBase
{
    private async Task<OpenVerify.Server.Factors.Factor> FcmFactorAsync(params (string, string)[] serviceSettings)
    {
        var credential = await host.CreateFcmCredentialAsync(keys);
        var service = await host.CreateServiceAsync([("Push.FcmCredentialSid", credential), .. serviceSettings]);
        var (factor, _) = await host.AddFactorAsync(service, "fcm", new string('f', 64));
        return factor;
    }

    [Fact]
    public async Task Creating_a_challenge_sends_an_fcm_data_message_with_an_oauth_token()
    {
        var factor = await FcmFactorAsync();
        var challenge = await host.CreateChallengeAsync(factor, "Approve \"sign-in\" from Zürich?");

        Assert.Equal(1, await host.DrainAsync());

        Assert.Empty(standIns.Problems);
        var sent = Assert.Single(standIns.Fcm);
        Assert.Equal("/v1/projects/openverify-test/messages:send", sent.Path);
        Assert.StartsWith("Bearer ya29.stand-in-", sent.Headers["authorization"], StringComparison.Ordinal);
        // The exact body, key order included; TTL is the challenge's 5 minutes.
        Assert.Equal(
            "{\"message\":{\"token\":\"" + new string('f', 64) + "\",\"data\":{\"type\":\"verify_push_challenge\",\"challenge_sid\":\"" + challenge
            + "\",\"factor_sid\":\"" + factor.Sid + "\",\"message\":\"Approve \\\"sign-in\\\" from Zürich?\"},\"android\":{\"priority\":\"high\",\"ttl\":\"300s\",\"collapse_key\":\"" + challenge + "\"}}}",
            sent.Body);
        var token = Assert.Single(standIns.TokenRequests);
        Assert.Equal(host.Clock.GetUtcNow().ToUnixTimeSeconds(), token.GetProperty("iat").GetInt64());
        var message = Assert.Single(await host.PushMessagesAsync());
        Assert.Equal("done", message.State);
    }

    [Fact]
    public async Task The_access_token_is_reused_until_near_expiry()
    {
        var factor = await FcmFactorAsync();
        await host.CreateChallengeAsync(factor);
        await host.CreateChallengeAsync(factor);
        await host.DrainAsync();
        Assert.Single(standIns.TokenRequests);

        host.Clock.Advance(TimeSpan.FromMinutes(61));
        await host.CreateChallengeAsync(factor);
        await host.DrainAsync();

        Assert.Equal(2, standIns.TokenRequests.Count);
        Assert.Equal(3, standIns.Fcm.Count);
        Assert.Empty(standIns.Problems);
        Assert.NotEqual(standIns.Fcm.First().Headers["authorization"], standIns.Fcm.Last().Headers["authorization"]);
    }

    [Fact]
    public async Task HideMessage_keeps_the_text_out_of_the_payload()
    {
        var factor = await FcmFactorAsync(("Push.HideMessage", "true"));
        var (_, service) = await host.GetAsync("/v2/Services/" + factor.ServiceSid);
        Assert.True(service.GetProperty("push").GetProperty("hide_message").GetBoolean());
        await host.CreateChallengeAsync(factor, "Transfer 5000 EUR to Mallory?");

        await host.DrainAsync();

        var sent = Assert.Single(standIns.Fcm);
        Assert.DoesNotContain("Mallory", sent.Body, StringComparison.Ordinal);
        var data = sent.Json.GetProperty("message").GetProperty("data");
        Assert.Equal(["type", "challenge_sid", "factor_sid"], data.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_factor_without_push_gets_nothing_sent()
    {
        var credential = await host.CreateFcmCredentialAsync(keys);
        var service = await host.CreateServiceAsync(("Push.FcmCredentialSid", credential));
        var (factor, _) = await host.AddFactorAsync(service, "none", null);

        await host.CreateChallengeAsync(factor);

        Assert.Equal(0, await host.DrainAsync());
        Assert.Empty(await host.PushMessagesAsync());
        Assert.Empty(standIns.Fcm);
    }

    [Fact]
    public async Task A_service_without_an_fcm_credential_queues_no_push_and_logs_not_configured_once()
    {
        var service = await host.CreateServiceAsync();
        var (factor, _) = await host.AddFactorAsync(service, "fcm", new string('a', 64));

        var challengeSid = await host.CreateChallengeAsync(factor);
        Assert.Equal(0, await host.DrainAsync());
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await host.DrainAsync());

        // Recorded as not sent, never claimed: no attempt was made, nothing was retried or dead-lettered.
        var message = Assert.Single(await host.PushMessagesAsync());
        Assert.Equal("skipped", message.State);
        Assert.Equal(0, message.Attempts);
        Assert.StartsWith("not configured:", message.LastError, StringComparison.Ordinal);
        Assert.Contains("Push.FcmCredentialSid", message.LastError, StringComparison.Ordinal);
        var logged = Assert.Single(await host.Services.GetRequiredService<IPushLog>().ListAsync(10, challengeSid, null, CancellationToken.None));
        Assert.Equal("not-sent", logged.Outcome);
        Assert.Equal(message.LastError, logged.Detail);
        Assert.Equal(factor.Sid, logged.FactorSid);
        Assert.Empty(standIns.Fcm);
    }

    [Fact]
    public async Task A_credential_of_the_wrong_type_dead_letters_the_push()
    {
        var apn = await host.CreateApnCredentialAsync(keys);
        var service = await host.CreateServiceAsync(("Push.FcmCredentialSid", apn));
        var (factor, _) = await host.AddFactorAsync(service, "fcm", new string('a', 64));

        await host.CreateChallengeAsync(factor);
        await host.DrainAsync();

        var message = Assert.Single(await host.PushMessagesAsync());
        Assert.Equal("dead", message.State);
        Assert.Contains("type apn", message.LastError, StringComparison.Ordinal);
    }
}
