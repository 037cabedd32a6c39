using System.Text.Json;
using OpenVerify.Protocol.Signing;
using OpenVerify.Server.Factors;

namespace OpenVerify.Server.Tests.Delivery.Push;

public sealed class ApnsDeliveryTests : PushTestBase
{
    private async Task<Factor> ApnFactorAsync(bool sandbox = false, params (string, string)[] serviceSettings)
    {
        var credential = await host.CreateApnCredentialAsync(keys, sandbox);
        var service = await host.CreateServiceAsync([("Push.ApnCredentialSid", credential), .. serviceSettings]);
        var (factor, _) = await host.AddFactorAsync(service, "apn", new string('b', 64), appId: "com.example.verify");
        return factor;
    }

    private static JsonElement JwtPayload(Received received)
    {
        var jwt = received.Headers["authorization"]["bearer ".Length..];
        Assert.True(Base64Url.TryDecode(jwt.Split('.')[1], out var payload));
        return JsonDocument.Parse(payload).RootElement.Clone();
    }

    [Fact]
    public async Task Creating_a_challenge_sends_an_apns_alert_over_http2_with_a_provider_jwt()
    {
        var factor = await ApnFactorAsync();
        var challenge = await host.CreateChallengeAsync(factor, "Approve sign-in?");
        var expires = host.Clock.GetUtcNow().AddMinutes(5).ToUnixTimeSeconds();

        Assert.Equal(1, await host.DrainAsync());

        Assert.Empty(standIns.Problems);
        var sent = Assert.Single(standIns.Apns);
        Assert.Equal("HTTP/2", sent.Protocol);
        Assert.Equal("/3/device/" + new string('b', 64), sent.Path);
        Assert.Equal("com.example.verify", sent.Headers["apns-topic"]);
        Assert.Equal("alert", sent.Headers["apns-push-type"]);
        Assert.Equal("10", sent.Headers["apns-priority"]);
        Assert.Equal(challenge, sent.Headers["apns-collapse-id"]);
        Assert.Equal(expires.ToString(System.Globalization.CultureInfo.InvariantCulture), sent.Headers["apns-expiration"]);
        Assert.Equal(
            "{\"aps\":{\"alert\":{\"body\":\"Approve sign-in?\"},\"mutable-content\":1},\"type\":\"verify_push_challenge\",\"challenge_sid\":\"" + challenge
            + "\",\"factor_sid\":\"" + factor.Sid + "\",\"message\":\"Approve sign-in?\"}",
            sent.Body);
        var claims = JwtPayload(sent);
        Assert.Equal(TestKeys.TeamId, claims.GetProperty("iss").GetString());
        Assert.Equal(host.Clock.GetUtcNow().ToUnixTimeSeconds(), claims.GetProperty("iat").GetInt64());
        Assert.Equal("done", Assert.Single(await host.PushMessagesAsync()).State);
    }

    [Fact]
    public async Task The_provider_jwt_is_reused_then_renewed_after_fifty_minutes()
    {
        var factor = await ApnFactorAsync();
        await host.CreateChallengeAsync(factor);
        await host.DrainAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(49));
        await host.CreateChallengeAsync(factor);
        await host.DrainAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(2));
        await host.CreateChallengeAsync(factor);
        await host.DrainAsync();

        var jwts = standIns.Apns.Select(r => r.Headers["authorization"]).ToList();
        Assert.Equal(3, jwts.Count);
        Assert.Equal(jwts[0], jwts[1]);
        Assert.NotEqual(jwts[1], jwts[2]);
        Assert.Equal(host.Clock.GetUtcNow().ToUnixTimeSeconds(), JwtPayload(standIns.Apns.Last()).GetProperty("iat").GetInt64());
    }

    [Fact]
    public async Task A_sandbox_credential_sends_to_the_sandbox_host()
    {
        var factor = await ApnFactorAsync(sandbox: true);
        await host.CreateChallengeAsync(factor);

        await host.DrainAsync();

        Assert.StartsWith("/sandbox/3/device/", Assert.Single(standIns.Apns).Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certificate_authentication_presents_the_client_certificate()
    {
        var (status, json) = await host.PostAsync("/v1/Credentials", ("Type", "apn"), ("FriendlyName", "apple cert"),
            ("Certificate", TestKeys.CertificatePem(keys.ApnsClientCertificate)), ("PrivateKey", TestKeys.PrivateKeyPem(keys.ApnsClientCertificate)));
        Assert.Equal(201, status);
        var service = await host.CreateServiceAsync(("Push.ApnCredentialSid", json.GetProperty("sid").GetString()!));
        var (factor, _) = await host.AddFactorAsync(service, "apn", new string('c', 64));
        await host.CreateChallengeAsync(factor);

        await host.DrainAsync();

        Assert.Empty(standIns.Problems);
        var sent = Assert.Single(standIns.Apns);
        Assert.Equal(keys.ApnsClientCertificate.Thumbprint, sent.ClientCertificate?.Thumbprint);
        Assert.False(sent.Headers.ContainsKey("authorization"));
    }

    [Fact]
    public async Task HideMessage_sends_a_neutral_alert_and_only_sids()
    {
        var factor = await ApnFactorAsync(false, ("Push.HideMessage", "true"));
        await host.CreateChallengeAsync(factor, "Transfer 5000 EUR to Mallory?");

        await host.DrainAsync();

        var sent = Assert.Single(standIns.Apns);
        Assert.DoesNotContain("Mallory", sent.Body, StringComparison.Ordinal);
        Assert.Equal(["aps", "type", "challenge_sid", "factor_sid"], sent.Json.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Without_the_test_thumbprint_a_self_signed_apns_host_is_refused()
    {
        await using var strict = await PushHost.StartAsync(standIns, keys, settings: new() { ["OpenVerify:Push:ApnsTrustedCertificateThumbprint"] = null });
        var credential = await strict.CreateApnCredentialAsync(keys);
        var service = await strict.CreateServiceAsync(("Push.ApnCredentialSid", credential));
        var (factor, _) = await strict.AddFactorAsync(service, "apn", new string('d', 64));
        await strict.CreateChallengeAsync(factor);

        await strict.DrainAsync();

        Assert.Empty(standIns.Apns);
        var message = Assert.Single(await strict.PushMessagesAsync());
        Assert.Equal("pending", message.State);
        Assert.Contains("APNs unreachable", message.LastError, StringComparison.Ordinal);
    }
}
