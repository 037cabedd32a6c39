using System.Net;
using System.Net.Http.Json;
using OpenVerify.AppBackend.Users;
using OpenVerify.Client;
using OpenVerify.Samples.Tests.Support;

namespace OpenVerify.Samples.Tests.AppBackend;

/// <summary>Token brokering: an enrolment token only ever for the signed-in user's own identity.</summary>
[Collection(OpenVerifyCollection.Name)]
public sealed class AccessTokensApiTests(OpenVerifyFixture fixture)
{
    [Fact]
    public async Task Signed_out_caller_gets_401()
    {
        await using var backend = await Backend.StartAsync(fixture.Server);
        using var response = await backend.NewBrowser().PostAsync("/accessTokens", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Wrong_password_signs_nobody_in()
    {
        await using var backend = await Backend.StartAsync(fixture.Server);
        var browser = backend.NewBrowser();
        using var login = await browser.PostAsJsonAsync("/login", new LoginApi.LoginRequest("alice", "bob-demo"), Backend.Json);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        using var token = await browser.PostAsync("/accessTokens", null);
        Assert.Equal(HttpStatusCode.Unauthorized, token.StatusCode);
    }

    [Fact]
    public async Task Token_is_for_the_signed_in_users_stable_non_PII_identity()
    {
        await using var backend = await Backend.StartAsync(fixture.Server);
        var first = await backend.AccessTokenAsync(await backend.SignedInAsync(Backend.Alice));
        var second = await backend.AccessTokenAsync(await backend.SignedInAsync(Backend.Alice));
        var bob = await backend.AccessTokenAsync(await backend.SignedInAsync(Backend.Bob));

        Assert.Equal(Backend.Alice.Id, first.Identity);
        Assert.Equal(first.Identity, second.Identity);
        Assert.Equal(Backend.Bob.Id, bob.Identity);
        Assert.DoesNotContain("alice", first.Identity, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(backend.ServiceSid, first.ServiceSid);
        Assert.Equal("push", first.FactorType);
        Assert.NotEqual(first.Token, second.Token);
    }

    [Fact]
    public async Task Token_registers_a_device_for_that_identity_only()
    {
        await using var backend = await Backend.StartAsync(fixture.Server);
        var alice = await backend.SignedInAsync(Backend.Alice);
        var token = await backend.AccessTokenAsync(alice);

        var error = await Assert.ThrowsAsync<VerifyClientException>(() =>
            backend.NewDevice().CreateFactorAsync(new PushFactorPayload("Mallory's phone", token.ServiceSid, Backend.Bob.Id, null, token.Token)));
        Assert.Equal(ErrorCategory.Network, error.Category);
        Assert.Equal(401, error.HttpStatus);
        Assert.Equal(20003, error.ApiCode);

        token = await backend.AccessTokenAsync(alice);
        var factor = await backend.NewDevice().CreateFactorAsync(new PushFactorPayload("Alice's phone", token.ServiceSid, token.Identity, null, token.Token));
        Assert.Equal(FactorStatus.Unverified, factor.Status);
    }

    [Fact]
    public async Task Naming_another_identity_is_refused_with_403_as_form_or_JSON()
    {
        await using var backend = await Backend.StartAsync(fixture.Server);
        var alice = await backend.SignedInAsync(Backend.Alice);

        // Android's sample app sends the identity as a form field, iOS's as JSON.
        using var form = await alice.PostAsync("/accessTokens", new FormUrlEncodedContent([new("identity", Backend.Bob.Id)]));
        using var json = await alice.PostAsJsonAsync("/accessTokens", new { identity = Backend.Bob.Id });
        Assert.Equal(HttpStatusCode.Forbidden, form.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, json.StatusCode);

        using var own = await alice.PostAsync("/accessTokens", new FormUrlEncodedContent([new("identity", Backend.Alice.Id)]));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }
}
