using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Storage;
using OpenVerify.Webhooks.Tests.Support;

namespace OpenVerify.Webhooks.Tests.Webhooks;

public sealed class WebhooksApiTests
{
    [Fact]
    public async Task The_signing_secret_is_returned_at_creation_only()
    {
        await using var host = await ServerHost.StartAsync();
        var service = await Device.CreateServiceAsync(host);
        // Note: about the API shape only; nothing here runs the outbox, so this loopback URL is never contacted.
        var created = await Device.CreateWebhookAsync(host, service, "http://127.0.0.1:9/hook", "*");
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);

        var sid = created.GetProperty("sid").GetString();
        Assert.False((await host.GetAsync($"/v2/Services/{service}/Webhooks/{sid}")).TryGetProperty("secret", out _));
        Assert.False((await host.PostAsync($"/v2/Services/{service}/Webhooks/{sid}", ("FriendlyName", "renamed"))).TryGetProperty("secret", out _));
        var listed = (await host.GetAsync($"/v2/Services/{service}/Webhooks")).GetProperty("webhooks")[0];
        Assert.False(listed.TryGetProperty("secret", out _));
        var again = await Device.CreateWebhookAsync(host, service, "http://127.0.0.1:9/hook", "*");
        Assert.NotEqual(secret, again.GetProperty("secret").GetString());
    }

    [Fact]
    public async Task The_secret_is_stored_encrypted_and_still_signs()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var host = await ServerHost.StartAsync(extraSettings: new Dictionary<string, string?> { ["OpenVerify:Secrets:Key"] = key });
        await using var receiver = await WebhookReceiver.StartAsync();
        var service = await Device.CreateServiceAsync(host);
        var created = await Device.CreateWebhookAsync(host, service, receiver.BaseUrl + "/hook", "*");
        var secret = created.GetProperty("secret").GetString()!;

        await using (var connection = await host.Services.GetRequiredService<IDatabase>().OpenReadAsync(CancellationToken.None))
        {
            var stored = await connection.ExecuteScalarAsync<string>("SELECT secret FROM webhooks WHERE sid = @sid", new { sid = created.GetProperty("sid").GetString() });
            Assert.StartsWith("v1.", stored);
            Assert.DoesNotContain(secret["whsec_".Length..], stored);
        }

        using var phone = new Device(host, service, "mallory-01");
        await phone.EnrolAsync("Phone");
        await host.DeliverDueAsync();
        Assert.True(Signatures.StandardWebhooksAccepts(Assert.Single(receiver.Requests), secret));
    }

    [Fact]
    public async Task Deliveries_of_an_unknown_webhook_are_404()
    {
        await using var host = await ServerHost.StartAsync();
        var service = await Device.CreateServiceAsync(host);
        using var response = await host.SendAsync(HttpMethod.Get, $"/v2/Services/{service}/Webhooks/YW{new string('0', 32)}/Deliveries");
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal(20404, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetInt32());
    }
}
