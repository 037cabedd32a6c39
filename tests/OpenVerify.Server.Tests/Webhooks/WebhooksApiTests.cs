using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Storage;
using OpenVerify.Server.Tests.Delivery.Webhooks;

namespace OpenVerify.Server.Tests.Webhooks;

public sealed class WebhooksApiTests
{
    private static (string, string)[] Valid(params (string, string)[] extra) =>
        [("FriendlyName", "my hook"), ("EventTypes", "factor.created"), ("EventTypes", "challenge.approved"), ("WebhookUrl", "http://127.0.0.1:9/hook?x=1"), .. extra];

    [Fact]
    public async Task Creating_a_webhook_returns_201_with_event_types_in_order_and_defaults()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var hook = (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", Valid())).Expect(201);
        Assert.Matches("^YW[0-9a-f]{32}$", hook.Str("sid"));
        Assert.Equal(["factor.created", "challenge.approved"], hook["event_types"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal("enabled", hook.Str("status"));
        Assert.Equal("v2", hook.Str("version"));
        Assert.Equal("POST", hook.Str("webhook_method"));
        Assert.Equal("http://127.0.0.1:9/hook?x=1", hook.Str("webhook_url"));
        Assert.Equal("my hook", hook.Str("friendly_name"));
        Assert.Equal($"http://localhost/v2/Services/{service}/Webhooks/{hook.Str("sid")}", hook.Str("url"));
    }

    [Theory]
    [InlineData("FriendlyName")]
    [InlineData("EventTypes")]
    [InlineData("WebhookUrl")]
    public async Task Creating_a_webhook_without_a_required_parameter_returns_20001(string missing)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", Valid().Where(p => p.Item1 != missing).ToArray())).ExpectError(20001, 400);
        Assert.Empty((await api.Account.GetAsync($"/v2/Services/{service}/Webhooks")).Expect(200)["webhooks"]!.AsArray());
    }

    [Theory]
    [InlineData("*")]
    [InlineData("factor.created")]
    [InlineData("factor.verified")]
    [InlineData("factor.deleted")]
    [InlineData("challenge.approved")]
    [InlineData("challenge.denied")]
    public async Task Each_twilio_event_type_is_accepted(string type)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", ("FriendlyName", "h"), ("EventTypes", type), ("WebhookUrl", "http://127.0.0.1:9/h"))).Expect(201);
    }

    [Theory]
    [InlineData("EventTypes", "challenge.created")]
    [InlineData("Status", "paused")]
    [InlineData("Version", "v3")]
    [InlineData("WebhookUrl", "not a url")]
    [InlineData("WebhookUrl", "ftp://127.0.0.1:9/h")]
    public async Task An_invalid_webhook_value_returns_60200(string key, string value)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var form = Valid().Where(p => p.Item1 != key).Append((key, value)).ToArray();
        (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", form)).ExpectError(60200, 400);
    }

    [Fact]
    public async Task Status_disabled_and_Version_v1_are_accepted_on_create()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var hook = (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", Valid(("Status", "disabled"), ("Version", "v1")))).Expect(201);
        Assert.Equal("disabled", hook.Str("status"));
        Assert.Equal("v1", hook.Str("version"));
    }

    [Fact]
    public async Task Updating_a_webhook_changes_only_the_supplied_fields()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var sid = (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", Valid())).Expect(201).Str("sid");
        var updated = (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks/{sid}", ("Status", "disabled"))).Expect(200);
        Assert.Equal("disabled", updated.Str("status"));
        Assert.Equal("my hook", updated.Str("friendly_name"));
        Assert.Equal(2, updated["event_types"]!.AsArray().Count);
        Assert.Equal("http://127.0.0.1:9/hook?x=1", updated.Str("webhook_url"));
        Assert.Equal("disabled", (await api.Account.GetAsync($"/v2/Services/{service}/Webhooks/{sid}")).Expect(200).Str("status"));
    }

    [Fact]
    public async Task An_invalid_update_returns_60200_and_changes_nothing()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var sid = (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", Valid())).Expect(201).Str("sid");
        var before = (await api.Account.GetAsync($"/v2/Services/{service}/Webhooks/{sid}")).Expect(200).ToJsonString();
        (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks/{sid}", ("FriendlyName", "renamed"), ("Status", "off"))).ExpectError(60200, 400);
        (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks/{sid}", ("EventTypes", "nope"))).ExpectError(60200, 400);
        Assert.Equal(before, (await api.Account.GetAsync($"/v2/Services/{service}/Webhooks/{sid}")).Expect(200).ToJsonString());
    }

    [Fact]
    public async Task Deleting_a_webhook_returns_204_and_then_404()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var sid = (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", Valid())).Expect(201).Str("sid");
        Assert.Equal([sid!], (await api.Account.GetAsync($"/v2/Services/{service}/Webhooks")).Expect(200).Sids("webhooks"));
        (await api.Account.DeleteAsync($"/v2/Services/{service}/Webhooks/{sid}")).Expect(204);
        (await api.Account.GetAsync($"/v2/Services/{service}/Webhooks/{sid}")).ExpectError(20404, 404);
        (await api.Account.DeleteAsync($"/v2/Services/{service}/Webhooks/{sid}")).ExpectError(20404, 404);
    }

    [Theory]
    [InlineData("YW1")]
    [InlineData("YC00000000000000000000000000000000")]
    public async Task A_malformed_webhook_sid_is_404(string sid)
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        (await api.Account.GetAsync($"/v2/Services/{service}/Webhooks/{sid}")).ExpectError(20404, 404);
        (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks/{sid}", ("Status", "disabled"))).ExpectError(20404, 404);
    }

    [Fact]
    public async Task Another_account_gets_404_for_a_webhook_it_does_not_own()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var sid = (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", Valid())).Expect(201).Str("sid");
        var other = await api.CreateOtherAccountAsync();
        (await other.GetAsync($"/v2/Services/{service}/Webhooks/{sid}")).ExpectError(20404, 404);
        (await other.PostAsync($"/v2/Services/{service}/Webhooks/{sid}", ("Status", "disabled"))).ExpectError(20404, 404);
        (await other.DeleteAsync($"/v2/Services/{service}/Webhooks/{sid}")).ExpectError(20404, 404);
        (await other.GetAsync($"/v2/Services/{service}/Webhooks")).ExpectError(20404, 404);
        Assert.Equal("enabled", (await api.Account.GetAsync($"/v2/Services/{service}/Webhooks/{sid}")).Expect(200).Str("status"));
    }

    [Fact]
    public async Task A_webhook_of_one_service_is_404_under_another_service()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        var otherService = await api.CreateServiceAsync();
        var sid = (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", Valid())).Expect(201).Str("sid");
        (await api.Account.GetAsync($"/v2/Services/{otherService}/Webhooks/{sid}")).ExpectError(20404, 404);
    }

    [Fact]
    public async Task Running_the_outbox_never_posts_to_a_webhook_off_this_machine()
    {
        await using var api = await TestApi.StartAsync(TestApi.OffMachineGuard());
        var service = await api.CreateServiceAsync();
        // Note: .invalid never resolves, so even without the guard nothing would reach anyone.
        var hook = (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", ("FriendlyName", "h"), ("EventTypes", "*"), ("WebhookUrl", "https://openverify-guard.invalid/hook"))).Expect(201).Str("sid");
        await api.EnrolAsync(service);

        var refused = await Assert.ThrowsAsync<Xunit.Sdk.TrueException>(api.DeliverOutboxAsync);

        Assert.Contains("https://openverify-guard.invalid/hook", refused.Message, StringComparison.Ordinal);
        var deliveries = (await api.Account.GetAsync($"/v2/Services/{service}/Webhooks/{hook}/Deliveries")).Expect(200)["deliveries"]!.AsArray();
        Assert.All(deliveries, d => Assert.Equal("test guard: not a loopback URL", d.Str("last_error")));
        Assert.Equal(2, deliveries.Count);
    }

    [Fact]
    public async Task The_signing_secret_is_returned_at_creation_only()
    {
        await using var host = await ServerHost.StartAsync();
        var service = await Phone.CreateServiceAsync(host);
        // Note: about the API shape only; nothing here runs the outbox, so this loopback URL is never contacted.
        var created = await Phone.CreateWebhookAsync(host, service, "http://127.0.0.1:9/hook", "*");
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);

        var sid = created.GetProperty("sid").GetString();
        Assert.False((await host.GetAsync($"/v2/Services/{service}/Webhooks/{sid}")).TryGetProperty("secret", out _));
        Assert.False((await host.PostAsync($"/v2/Services/{service}/Webhooks/{sid}", ("FriendlyName", "renamed"))).TryGetProperty("secret", out _));
        var listed = (await host.GetAsync($"/v2/Services/{service}/Webhooks")).GetProperty("webhooks")[0];
        Assert.False(listed.TryGetProperty("secret", out _));
        var again = await Phone.CreateWebhookAsync(host, service, "http://127.0.0.1:9/hook", "*");
        Assert.NotEqual(secret, again.GetProperty("secret").GetString());
    }

    [Fact]
    public async Task The_secret_is_stored_encrypted_and_still_signs()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var host = await ServerHost.StartAsync(extraSettings: new Dictionary<string, string?> { ["OpenVerify:Secrets:Key"] = key });
        await using var receiver = await WebhookReceiver.StartAsync();
        var service = await Phone.CreateServiceAsync(host);
        var created = await Phone.CreateWebhookAsync(host, service, receiver.BaseUrl + "/hook", "*");
        var secret = created.GetProperty("secret").GetString()!;

        await using (var connection = await host.Services.GetRequiredService<IDatabase>().OpenReadAsync(CancellationToken.None))
        {
            var stored = await connection.ExecuteScalarAsync<string>("SELECT secret FROM webhooks WHERE sid = @sid", new { sid = created.GetProperty("sid").GetString() });
            Assert.StartsWith("v1.", stored);
            Assert.DoesNotContain(secret["whsec_".Length..], stored);
        }

        using var phone = new Phone(host, service, "mallory-01");
        await phone.EnrolAsync("Phone");
        await host.DeliverDueAsync();
        Assert.True(Signatures.StandardWebhooksAccepts(Assert.Single(receiver.Requests), secret));
    }

    [Fact]
    public async Task Deliveries_of_an_unknown_webhook_are_404()
    {
        await using var host = await ServerHost.StartAsync();
        var service = await Phone.CreateServiceAsync(host);
        using var response = await host.SendAsync(HttpMethod.Get, $"/v2/Services/{service}/Webhooks/YW{new string('0', 32)}/Deliveries");
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal(20404, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetInt32());
    }
}
