extern alias SampleApp;

using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.AppBackend.Webhooks;
using OpenVerify.Server.Delivery.Webhooks;

namespace OpenVerify.Samples.Tests.AppBackend;

/// <summary>
/// <c>POST /webhooks</c> through the sample's Program.cs (WebApplicationFactory on its entry point,
/// named through the <c>SampleApp</c> alias because the CLI's <c>Program</c> is public too): only requests whose
/// X-Twilio-Signature (signed as OpenVerify's sender signs) matches the public URL and the account's
/// auth token get in.
/// </summary>
public sealed class WebhooksApiTests : IDisposable
{
    private const string AuthToken = "5f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private const string PublicUrl = "https://app.example.com";
    private const string ServiceSid = "VA0123456789abcdef0123456789abcdef";

    private readonly List<IDisposable> factories = [];

    private static readonly Dictionary<string, string> Approved = new()
    {
        ["uuid"] = "0b8c5f4e-3d2a-4c1b-9e8f-7a6b5c4d3e2f",
        ["type"] = "challenge.approved",
        ["account_sid"] = "AC0123456789abcdef0123456789abcdef",
        ["service_sid"] = ServiceSid,
        ["entity_identity"] = "usr-4c1f0b6e9a2d47d3b8e5f1a7c9d3e2b0",
        ["factor_sid"] = "YF0123456789abcdef0123456789abcdef",
        ["factor_type"] = "push",
        ["factor_friendly_name"] = "Alice's phone",
        ["challenge_sid"] = "YC0123456789abcdef0123456789abcdef",
        ["challenge_details"] = """{"message":"Example App: sign in as alice?","fields":[{"label":"Action","value":"Sign in"}]}""",
        ["challenge_hidden_details"] = """{"transaction_id":"tx-1"}""",
        ["challenge_status"] = "approved",
    };

    [Fact]
    public async Task Signature_over_the_public_url_is_accepted_and_a_retry_recorded_once()
    {
        var (client, inbox) = Start(PublicUrl);
        var signature = Sign(AuthToken, PublicUrl + "/webhooks", Approved);

        using var first = await PostAsync(client, Approved, signature);
        using var retry = await PostAsync(client, Approved, signature);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var received = Assert.Single(inbox.All);
        Assert.Equal("challenge.approved", received.Type);
        Assert.Equal("YC0123456789abcdef0123456789abcdef", received.ChallengeSid);
    }

    [Fact]
    public async Task Unsigned_webhook_is_refused_with_403()
    {
        var (client, inbox) = Start(PublicUrl);
        using var response = await PostAsync(client, Approved, signature: null);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(inbox.All);
        Assert.Equal(1, inbox.Rejected);
    }

    [Fact]
    public async Task Signature_with_another_auth_token_is_refused_with_403()
    {
        var (client, inbox) = Start(PublicUrl);
        using var response = await PostAsync(client, Approved, Sign("ffffffffffffffffffffffffffffffff", PublicUrl + "/webhooks", Approved));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(inbox.All);
    }

    [Fact]
    public async Task Field_changed_after_signing_is_refused_with_403()
    {
        var (client, inbox) = Start(PublicUrl);
        var signature = Sign(AuthToken, PublicUrl + "/webhooks", Approved);
        var tampered = new Dictionary<string, string>(Approved) { ["type"] = "challenge.denied", ["challenge_status"] = "denied" };
        using var response = await PostAsync(client, tampered, signature);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(inbox.All);
    }

    [Fact]
    public async Task Behind_a_proxy_a_signature_over_the_internal_url_is_refused()
    {
        // The test server sees http://localhost/webhooks; OpenVerify called (and signed) the public URL.
        var (client, inbox) = Start(PublicUrl);
        using var response = await PostAsync(client, Approved, Sign(AuthToken, "http://localhost/webhooks", Approved));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(inbox.All);
    }

    [Fact]
    public async Task Without_a_public_url_the_request_url_is_what_is_checked()
    {
        var (client, inbox) = Start(publicUrl: null);
        using var response = await PostAsync(client, Approved, Sign(AuthToken, "http://localhost/webhooks", Approved));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(inbox.All);
    }

    [Fact]
    public async Task JSON_body_is_refused_with_415()
    {
        var (client, inbox) = Start(PublicUrl);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Twilio-Signature", Sign(AuthToken, PublicUrl + "/webhooks", []));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Empty(inbox.All);
    }

    private (HttpClient Client, WebhookInbox Inbox) Start(string? publicUrl)
    {
        var factory = new WebApplicationFactory<SampleApp::Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("AppBackend:OpenVerifyUrl", "http://127.0.0.1:9");
            web.UseSetting("AppBackend:AccountSid", "AC0123456789abcdef0123456789abcdef");
            web.UseSetting("AppBackend:AuthToken", AuthToken);
            web.UseSetting("AppBackend:ServiceSid", ServiceSid);
            web.UseSetting("AppBackend:RegisterWebhook", "false");
            if (publicUrl is not null)
            {
                web.UseSetting("AppBackend:PublicUrl", publicUrl);
            }
        });
        factories.Add(factory);
        return (factory.CreateClient(), factory.Services.GetRequiredService<WebhookInbox>());
    }

    /// <summary>What OpenVerify's webhook sender puts in X-Twilio-Signature.</summary>
    private static string Sign(string authToken, string url, Dictionary<string, string> fields) =>
        WebhookPayload.TwilioSignature(authToken, url, fields);

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, Dictionary<string, string> fields, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks") { Content = new FormUrlEncodedContent(fields) };
        if (signature is not null)
        {
            request.Headers.Add("X-Twilio-Signature", signature);
        }

        return client.SendAsync(request);
    }

    public void Dispose()
    {
        foreach (var factory in factories)
        {
            factory.Dispose();
        }
    }
}
