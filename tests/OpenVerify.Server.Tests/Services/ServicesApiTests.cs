using OpenVerify.Server.Tests.Infrastructure;

namespace OpenVerify.Server.Tests.Services;

public sealed class ServicesApiTests
{
    [Fact]
    public async Task Creating_a_service_returns_201_with_sid_name_push_totp_and_links()
    {
        await using var api = await TestApi.StartAsync();
        var service = (await api.Account.PostAsync("/v2/Services", ("FriendlyName", "My Service"))).Expect(201);
        Assert.Matches("^VA[0-9a-f]{32}$", service["sid"]!.GetValue<string>());
        Assert.Equal("My Service", service["friendly_name"]!.GetValue<string>());
        Assert.Equal(api.AccountSid, service["account_sid"]!.GetValue<string>());
        Assert.IsType<JsonObject>(service["push"]);
        Assert.IsType<JsonObject>(service["totp"]);
        Assert.IsType<JsonObject>(service["links"]);
    }
}
