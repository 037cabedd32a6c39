using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OpenVerify.Webhooks.Tests.Support;

namespace OpenVerify.Webhooks.Tests.Cli;

public sealed class WebhooksCommandsTests
{
    /// <summary>Runs the real <c>openverify</c> CLI (built next to the tests) and returns its exit code and output.</summary>
    private static async Task<(int ExitCode, string Output)> RunCliAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "openverify.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task Deliveries_lists_a_dead_delivery_and_replay_sends_it_again()
    {
        // The CLI runs on the real clock: the server's fake one starts at real time, so a replay's "due now" is due for it.
        await using var host = await ServerHost.StartAsync(clock: new FakeTimeProvider(TimeProvider.System.GetUtcNow()), retryFor: TimeSpan.FromMinutes(2));
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = 500;
        var service = await Device.CreateServiceAsync(host);
        var webhook = (await Device.CreateWebhookAsync(host, service, receiver.BaseUrl + "/hook", "*")).GetProperty("sid").GetString()!;
        using var phone = new Device(host, service, "liam-0001");
        await phone.EnrolAsync("Phone");
        await host.RunForAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(20));
        string[] target = ["--data", host.DataDirectory, "--service", service, "--webhook", webhook];

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
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        await host.DeliverDueAsync();
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
