using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Tests.Delivery.Push;
using OpenVerify.Server.Accounts;
using OpenVerify.Server.Services;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Tests.Credentials;

public sealed class CredentialsApiTests : PushTestBase
{
    [Fact]
    public async Task Creating_an_fcm_credential_returns_twilios_shape_without_the_secret()
    {
        var (status, json) = await host.PostAsync("/v1/Credentials", ("Type", "fcm"), ("FriendlyName", "firebase"), ("Secret", keys.ServiceAccountJson));

        Assert.Equal(201, status);
        var sid = json.GetProperty("sid").GetString()!;
        Assert.Matches("^CR[0-9a-f]{32}$", sid);
        Assert.Equal(["sid", "account_sid", "friendly_name", "type", "sandbox", "date_created", "date_updated", "url"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(host.AccountSid, json.GetProperty("account_sid").GetString());
        Assert.Equal("fcm", json.GetProperty("type").GetString());
        Assert.Equal("False", json.GetProperty("sandbox").GetString());
        Assert.EndsWith("/v1/Credentials/" + sid, json.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", json.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_are_stored_encrypted()
    {
        var sid = await host.CreateApnCredentialAsync(keys);

        await using var c = await host.Services.GetRequiredService<IDatabase>().OpenReadAsync(CancellationToken.None);
        var stored = await c.ExecuteScalarAsync<string>("SELECT secret FROM push_credentials WHERE sid = @sid", new { sid });
        Assert.StartsWith("v1.", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.TeamId, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_can_be_fetched_listed_updated_and_deleted()
    {
        var first = await host.CreateFcmCredentialAsync(keys);
        var second = await host.CreateApnCredentialAsync(keys, sandbox: true);

        var (listed, list) = await host.GetAsync("/v1/Credentials?PageSize=1");
        Assert.Equal(200, listed);
        Assert.Equal(first, Assert.Single(list.GetProperty("credentials").EnumerateArray()).GetProperty("sid").GetString());
        Assert.Equal("credentials", list.GetProperty("meta").GetProperty("key").GetString());
        var next = list.GetProperty("meta").GetProperty("next_page_url").GetString()!;
        var (_, page2) = await host.GetAsync(new Uri(next).PathAndQuery);
        Assert.Equal(second, Assert.Single(page2.GetProperty("credentials").EnumerateArray()).GetProperty("sid").GetString());

        var (fetched, one) = await host.GetAsync("/v1/Credentials/" + second);
        Assert.Equal(200, fetched);
        Assert.Equal("True", one.GetProperty("sandbox").GetString());

        var (updated, renamed) = await host.PostAsync("/v1/Credentials/" + second, ("FriendlyName", "apple prod"), ("Sandbox", "false"));
        Assert.Equal(200, updated);
        Assert.Equal(("apple prod", "False"), (renamed.GetProperty("friendly_name").GetString(), renamed.GetProperty("sandbox").GetString()));

        using var deleted = await host.Client.DeleteAsync("/v1/Credentials/" + first);
        Assert.Equal(204, (int)deleted.StatusCode);
        var (gone, error) = await host.GetAsync("/v1/Credentials/" + first);
        Assert.Equal(404, gone);
        Assert.Equal(20404, error.GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("fcm", "Secret", "{\"type\":\"service_account\"}", 60200)]
    [InlineData("fcm", "Secret", "not json", 60200)]
    [InlineData("gcm", "Secret", "AAAA", 60200)]
    [InlineData("apn", "Secret", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", 60200)]
    [InlineData("", "FriendlyName", "x", 20001)]
    public async Task Unusable_credentials_are_refused(string type, string key, string value, int code)
    {
        var (status, error) = await host.PostAsync("/v1/Credentials", ("Type", type), (key, value));

        Assert.Equal(400, status);
        Assert.Equal(code, error.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task A_service_account_json_naming_a_member_twice_is_refused_and_nothing_is_stored()
    {
        // Which project_id counts would depend on the JSON reader; the credential is refused instead.
        var duplicate = keys.ServiceAccountJson.TrimEnd('}') + ",\"project_id\":\"someone-elses-project\"}";
        var (status, error) = await host.PostAsync("/v1/Credentials", ("Type", "fcm"), ("Secret", duplicate));

        Assert.Equal(400, status);
        Assert.Equal(60200, error.GetProperty("code").GetInt32());
        var (listed, list) = await host.GetAsync("/v1/Credentials");
        Assert.Equal(200, listed);
        Assert.Empty(list.GetProperty("credentials").EnumerateArray());
    }

    [Fact]
    public async Task An_update_with_unusable_material_is_refused_and_changes_nothing()
    {
        var sid = await host.CreateFcmCredentialAsync(keys);

        var (status, error) = await host.PostAsync("/v1/Credentials/" + sid, ("FriendlyName", "renamed"), ("Secret", "{}"));

        Assert.Equal(400, status);
        Assert.Equal(60200, error.GetProperty("code").GetInt32());
        var (_, unchanged) = await host.GetAsync("/v1/Credentials/" + sid);
        Assert.Equal("firebase", unchanged.GetProperty("friendly_name").GetString());
    }

    [Fact]
    public async Task Pushes_through_a_deleted_credential_are_dead_lettered_with_the_reason()
    {
        var sid = await host.CreateFcmCredentialAsync(keys);
        var service = await host.CreateServiceAsync(("Push.FcmCredentialSid", sid));
        var (factor, _) = await host.AddFactorAsync(service, "fcm", new string('a', 64));
        using var deleted = await host.Client.DeleteAsync("/v1/Credentials/" + sid);

        await host.CreateChallengeAsync(factor);
        await host.DrainAsync();

        var message = Assert.Single(await host.PushMessagesAsync());
        Assert.Equal("dead", message.State);
        Assert.Contains(sid + " (Push.FcmCredentialSid of service " + service + ") does not exist", message.LastError, StringComparison.Ordinal);
        Assert.Empty(standIns.Fcm);
    }

    [Fact]
    public async Task Another_accounts_credential_is_404_on_a_service_and_a_service_holding_one_never_pushes_with_it()
    {
        var other = await host.Services.GetRequiredService<AccountBootstrap>().CreateAsync("other", CancellationToken.None);
        using var owner = host.ClientFor("Basic", other.Sid + ":" + other.AuthToken);
        using var created = await owner.PostAsync("/v1/Credentials", new FormUrlEncodedContent([new("Type", "fcm"), new("FriendlyName", "their firebase"), new("Secret", keys.ServiceAccountJson)]));
        var theirs = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("sid").GetString()!;

        var (status, error) = await host.PostAsync("/v2/Services", ("FriendlyName", "Borrowing"), ("Push.FcmCredentialSid", theirs));
        Assert.Equal((404, 20404), (status, error.GetProperty("code").GetInt32()));
        Assert.DoesNotContain("their firebase", error.ToString(), StringComparison.Ordinal);

        // A service that holds it anyway (saved before services were checked) gets nothing out of it.
        var service = await host.CreateServiceAsync();
        var store = host.Services.GetRequiredService<IServiceStore>();
        var stored = (await store.FindAsync(host.AccountSid, service, CancellationToken.None))!;
        var settings = stored.Settings;
        settings.FcmCredentialSid = theirs;
        stored.Settings = settings;
        await store.UpdateAsync(stored, CancellationToken.None);
        var (factor, _) = await host.AddFactorAsync(service, "fcm", new string('a', 64));
        await host.CreateChallengeAsync(factor);
        await host.DrainAsync();

        var message = Assert.Single(await host.PushMessagesAsync());
        Assert.Equal("dead", message.State);
        Assert.Contains(theirs + " (Push.FcmCredentialSid of service " + service + ") does not exist", message.LastError, StringComparison.Ordinal);
        Assert.Empty(standIns.Fcm);
    }

    [Fact]
    public async Task An_apn_token_key_needs_its_key_id_and_team_id()
    {
        var (status, error) = await host.PostAsync("/v1/Credentials", ("Type", "apn"), ("Secret", keys.ApnsP8), ("KeyId", TestKeys.ApnsKeyId));

        Assert.Equal(400, status);
        Assert.Contains("TeamId", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_accounts_credential_is_not_found()
    {
        var sid = await host.CreateFcmCredentialAsync(keys);
        await using var other = await PushHost.StartAsync(standIns, keys, host.Storage);

        var (status, _) = await other.GetAsync("/v1/Credentials/" + sid);
        using var delete = await other.Client.DeleteAsync("/v1/Credentials/" + sid);

        Assert.Equal(404, status);
        Assert.Equal(404, (int)delete.StatusCode);
    }

    [Fact]
    public async Task Credentials_need_account_authentication()
    {
        using var anonymous = host.ClientFor("Basic", host.AccountSid + ":wrong");

        using var response = await anonymous.GetAsync("/v1/Credentials");

        Assert.Equal(401, (int)response.StatusCode);
    }
}
