
namespace OpenVerify.Server.Tests.Delivery.Webhooks;

public sealed class WebhookClientTests
{
    [Theory]
    [InlineData("/hook")]
    [InlineData("localhost")]
    [InlineData("[::ffff:127.0.0.1]")]
    public async Task A_private_address_is_refused_and_dead_lettered_unless_allowed(string target)
    {
        await using var host = await ServerHost.StartAsync(allowPrivateNetworks: false);
        await using var receiver = await WebhookReceiver.StartAsync();
        var url = target switch
        {
            "/hook" => receiver.BaseUrl + "/hook",
            _ => $"http://{target}:{receiver.Port}/hook",
        };
        var service = await Phone.CreateServiceAsync(host);
        var webhook = await Phone.CreateWebhookAsync(host, service, url, "*");
        using var phone = new Phone(host, service, "judy-0001");
        await phone.EnrolAsync("Phone");
        await host.RunForAsync(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1));

        Assert.Empty(receiver.Requests);
        var deliveriesUrl = $"/v2/Services/{service}/Webhooks/{webhook.GetProperty("sid").GetString()}/Deliveries";
        var dead = Assert.Single((await host.GetAsync(deliveriesUrl)).GetProperty("deliveries").EnumerateArray());
        Assert.Equal("dead", dead.GetProperty("state").GetString());
        Assert.Equal(1, dead.GetProperty("attempts").GetInt32());
        var error = dead.GetProperty("last_error").GetString()!;
        Assert.StartsWith("refused: ", error);
        Assert.Contains("AllowPrivateNetworks", error);
    }

    [Fact]
    public async Task The_same_loopback_url_is_delivered_when_private_networks_are_allowed()
    {
        await using var host = await ServerHost.StartAsync(allowPrivateNetworks: true);
        await using var receiver = await WebhookReceiver.StartAsync();
        var service = await Phone.CreateServiceAsync(host);
        await Phone.CreateWebhookAsync(host, service, $"http://localhost:{receiver.Port}/hook", "*");
        using var phone = new Phone(host, service, "ken-00001");
        await phone.EnrolAsync("Phone");
        await host.DeliverDueAsync();

        Assert.Equal("factor.created", Assert.Single(receiver.Requests)["type"]);
    }
}
