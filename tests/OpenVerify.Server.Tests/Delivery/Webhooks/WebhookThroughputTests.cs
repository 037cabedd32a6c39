using System.Diagnostics;
using Xunit.Abstractions;

namespace OpenVerify.Server.Tests.Delivery.Webhooks;

/// <summary>A rough measurement (printed, not asserted): events fanned out and posted to a loopback receiver.</summary>
public sealed class WebhookThroughputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Many_entities_events_to_two_webhooks_arrive_once_each_in_order()
    {
        await using var host = await ServerHost.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var service = await Phone.CreateServiceAsync(host);
        await Phone.CreateWebhookAsync(host, service, receiver.BaseUrl + "/a", "*");
        await Phone.CreateWebhookAsync(host, service, receiver.BaseUrl + "/b", "factor.created", "factor.verified");
        const int entities = 40;
        var phones = new List<Phone>();
        for (var i = 0; i < entities; i++)
        {
            var phone = new Phone(host, service, $"entity-{i:0000}");
            await phone.EnrolAsync("Phone " + i);
            await phone.VerifyAsync();
            phones.Add(phone);
        }

        var clock = Stopwatch.StartNew();
        await host.DeliverDueAsync();
        clock.Stop();

        var received = receiver.Requests.ToList();
        Assert.Equal(entities * 4, received.Count);
        foreach (var group in received.GroupBy(r => (new Uri(r.Url).AbsolutePath, r["entity_identity"])))
        {
            Assert.Equal(["factor.created", "factor.verified"], group.Select(r => r["type"]));
        }

        Assert.Equal(entities * 2, received.Select(r => r["uuid"]).Distinct().Count());
        output.WriteLine($"{entities * 2} events -> {received.Count} deliveries in {clock.ElapsedMilliseconds} ms ({received.Count / clock.Elapsed.TotalSeconds:0} deliveries/s)");
        phones.ForEach(p => p.Dispose());
    }
}
