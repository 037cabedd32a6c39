using OpenVerify.Webhooks.Tests.Support;

namespace OpenVerify.Webhooks.Tests.Webhooks;

public sealed class WebhooksApiTests
{
    [Fact]
    public async Task The_signing_secret_is_returned_at_creation_only()
    {
        await using var host = await ServerHost.StartAsync();
        var service = await Device.CreateServiceAsync(host);
        var created = await Device.CreateWebhookAsync(host, service, "https://example.com/hook", "*");
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);

        var sid = created.GetProperty("sid").GetString();
        Assert.False((await host.GetAsync($"/v2/Services/{service}/Webhooks/{sid}")).TryGetProperty("secret", out _));
        Assert.False((await host.PostAsync($"/v2/Services/{service}/Webhooks/{sid}", ("FriendlyName", "renamed"))).TryGetProperty("secret", out _));
        var listed = (await host.GetAsync($"/v2/Services/{service}/Webhooks")).GetProperty("webhooks")[0];
        Assert.False(listed.TryGetProperty("secret", out _));
        var again = await Device.CreateWebhookAsync(host, service, "https://example.com/hook", "*");
        Assert.NotEqual(secret, again.GetProperty("secret").GetString());
    }

    [Fact]
    public async Task Deliveries_of_an_unknown_webhook_are_404()
    {
        await using var host = await ServerHost.StartAsync();
        var service = await Device.CreateServiceAsync(host);
        using var response = await host.SendAsync(HttpMethod.Get, $"/v2/Services/{service}/Webhooks/YW{new string('0', 32)}/Deliveries");
        Assert.Equal(404, (int)response.StatusCode);
    }
}
