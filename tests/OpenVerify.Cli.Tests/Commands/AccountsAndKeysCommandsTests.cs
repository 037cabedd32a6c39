using System.Text.Json;
using OpenVerify.TestKit;
using Twilio.Exceptions;
using Twilio.Rest.Verify.V2;
using Twilio.Rest.Verify.V2.Service;

namespace OpenVerify.Cli.Tests.Commands;

/// <summary>
/// The <c>openverify accounts create</c> / <c>keys create</c> commands run as processes against the
/// data directory of a running server, and the credentials they print used through Twilio's helper.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class AccountsAndKeysCommandsTests(ServerFixture running)
{
    private ServerProcess Server => running.Server;

    [Fact]
    public async Task Accounts_create_json_prints_exactly_account_sid_and_auth_token()
    {
        var (exitCode, stdout, combined) = await Server.CliAsync("accounts", "create", "--json");
        Assert.True(exitCode == 0, combined);

        using var json = JsonDocument.Parse(stdout.Trim());
        Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
        Assert.Equal(["account_sid", "auth_token"], json.RootElement.EnumerateObject().Select(p => p.Name).Order());
        Assert.Matches("^AC[0-9a-f]{32}$", json.RootElement.GetProperty("account_sid").GetString());
        var token = json.RootElement.GetProperty("auth_token").GetString();
        Assert.False(string.IsNullOrWhiteSpace(token));

        // The running server accepts the new account at once.
        var account = await Server.CreateAccountAsync();
        var client = TwilioHelper.Client(Server.BaseUrl, account.Sid, account.AuthToken);
        var service = await ServiceResource.CreateAsync(friendlyName: "New account", client: client);
        Assert.Equal(account.Sid, service.AccountSid);
    }

    [Fact]
    public async Task A_second_account_gets_404_for_the_first_accounts_service()
    {
        var owner = TwilioHelper.Client(Server.BaseUrl, Server.AccountSid, Server.AuthToken);
        var service = await ServiceResource.CreateAsync(friendlyName: "Owned", client: owner);

        var other = await Server.CreateAccountAsync();
        var stranger = TwilioHelper.Client(Server.BaseUrl, other.Sid, other.AuthToken);

        var fetch = await Assert.ThrowsAsync<ApiException>(() => ServiceResource.FetchAsync(service.Sid, client: stranger));
        Assert.Equal(404, fetch.Status);
        Assert.Equal(20404, fetch.Code);
        var token = await Assert.ThrowsAsync<ApiException>(() =>
            AccessTokenResource.CreateAsync(service.Sid, "stranger-identity", AccessTokenResource.FactorTypesEnum.Push, client: stranger));
        Assert.Equal(404, token.Status);
        Assert.Equal(20404, token.Code);
        var delete = await Assert.ThrowsAsync<ApiException>(() => ServiceResource.DeleteAsync(service.Sid, client: stranger));
        Assert.Equal(404, delete.Status);
        Assert.Equal(20404, delete.Code);
        Assert.DoesNotContain(await ServiceResource.ReadAsync(client: stranger), s => s.Sid == service.Sid);

        // ...while the owner still sees it, unchanged.
        Assert.Equal("Owned", (await ServiceResource.FetchAsync(service.Sid, client: owner)).FriendlyName);
    }

    [Fact]
    public async Task An_api_key_from_the_cli_works_with_TwilioRestClient_key_secret_and_account()
    {
        var (exitCode, stdout, combined) = await Server.CliAsync("keys", "create", "--account", Server.AccountSid, "--json");
        Assert.True(exitCode == 0, combined);
        using var json = JsonDocument.Parse(stdout.Trim());
        var keySid = json.RootElement.GetProperty("sid").GetString()!;
        var secret = json.RootElement.GetProperty("secret").GetString()!;
        Assert.Matches("^SK[0-9a-f]{32}$", keySid);
        Assert.False(string.IsNullOrWhiteSpace(secret));
        Assert.Equal(Server.AccountSid, json.RootElement.GetProperty("account_sid").GetString());

        // Basic SK…:secret; Verify paths carry no account, so the server maps the key to its account.
        var withKey = TwilioHelper.Client(Server.BaseUrl, keySid, secret, accountSid: Server.AccountSid);
        var service = await ServiceResource.CreateAsync(friendlyName: "Made with a key", client: withKey);
        Assert.Equal(Server.AccountSid, service.AccountSid);
        var owner = TwilioHelper.Client(Server.BaseUrl, Server.AccountSid, Server.AuthToken);
        Assert.Equal("Made with a key", (await ServiceResource.FetchAsync(service.Sid, client: owner)).FriendlyName);
        // Note: about API keys only; the shared server (AllowPrivateNetworks off) never contacts this loopback URL.
        var webhook = await WebhookResource.CreateAsync(service.Sid, "key hook", ["*"], "http://127.0.0.1:9/hook", client: withKey);
        Assert.Equal(["*"], webhook.EventTypes);

        var wrongSecret = TwilioHelper.Client(Server.BaseUrl, keySid, secret + "x", accountSid: Server.AccountSid);
        var refused = await Assert.ThrowsAsync<ApiException>(() => ServiceResource.FetchAsync(service.Sid, client: wrongSecret));
        Assert.Equal(401, refused.Status);
        Assert.Equal(20003, refused.Code);
    }

    [Fact]
    public async Task Keys_create_for_an_unknown_account_fails()
    {
        var unknown = "AC" + new string('0', 32);
        var (exitCode, stdout, combined) = await Server.CliAsync("keys", "create", "--account", unknown, "--json");
        Assert.True(exitCode == 1, combined);
        Assert.Contains("No account " + unknown, combined, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", stdout, StringComparison.Ordinal);
    }
}
