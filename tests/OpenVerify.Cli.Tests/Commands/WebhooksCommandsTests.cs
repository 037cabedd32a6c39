using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OpenVerify.TestKit.Hosting;
using OpenVerify.TestKit.Webhooks;

namespace OpenVerify.Cli.Tests.Commands;

/// <summary><c>openverify webhooks deliveries</c> and <c>webhooks replay</c> on the data directory of an in-process server.</summary>
public sealed class WebhooksCommandsTests
{
    /// <summary>Runs the real <c>openverify</c> CLI (built next to the tests) and returns its exit code and output.</summary>
    private static async Task<(int ExitCode, string Output)> RunCliAsync(params string[] args)
    {
        var run = await OpenVerifyBinary.RunAsync(args);
        return (run.ExitCode, run.Combined);
    }

    [Fact]
    public async Task Deliveries_lists_a_dead_delivery_and_replay_sends_it_again()
    {
        // The CLI runs on the real clock: the server's fake one starts at real time, so a replay's "due now" is due for it.
        // SQLite: the CLI opens the server's data directory.
        await using var api = await TestApi.StartAsync(new TestApiOptions
        {
            Clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow()),
            Settings = new Dictionary<string, string?>
            {
                ["OpenVerify:Webhooks:AllowPrivateNetworks"] = "true",
                ["OpenVerify:Webhooks:RetryFor"] = "00:02:00",
            },
        });
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = 500;
        var service = await api.CreateServiceAsync();
        var webhook = (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks",
            ("FriendlyName", "cli"), ("EventTypes", "*"), ("WebhookUrl", receiver.BaseUrl + "/hook"))).Expect(201).Str("sid")!;
        await api.EnrolAsync(service, verify: false);
        await api.RunForAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(20));

        string[] target = ["--data", api.Storage.DataDirectory, "--service", service, "--webhook", webhook];

        var (code, output) = await RunCliAsync(["webhooks", "deliveries", .. target, "--state", "dead", "--json"]);
        Assert.True(code == 0, output);
        var dead = Assert.Single(JsonDocument.Parse(output).RootElement.GetProperty("deliveries").EnumerateArray());
        Assert.Equal("factor.created", dead.GetProperty("type").GetString());
        Assert.Equal("dead", dead.GetProperty("state").GetString());
        Assert.Equal(receiver.Requests.First()["uuid"], dead.GetProperty("uuid").GetString());
        var id = dead.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

        (code, output) = await RunCliAsync(["webhooks", "replay", .. target, id, "--json"]);
        Assert.True(code == 0, output);
        Assert.Equal("replayed", JsonDocument.Parse(output).RootElement[0].GetProperty("result").GetString());

        receiver.Status = 200;
        api.Clock.Advance(TimeSpan.FromSeconds(1));
        await api.DeliverOutboxAsync();
        (code, output) = await RunCliAsync(["webhooks", "deliveries", .. target, "--json"]);
        Assert.True(code == 0, output);
        Assert.Equal("delivered", JsonDocument.Parse(output).RootElement.GetProperty("deliveries")[0].GetProperty("state").GetString());

        (code, output) = await RunCliAsync(["webhooks", "replay", .. target, id]);
        Assert.Equal(1, code);
        Assert.Contains("not dead (delivered)", output);

        (code, output) = await RunCliAsync(["webhooks", "deliveries", .. target]);
        Assert.True(code == 0, output);
        Assert.Contains("factor.created", output);
    }
}
