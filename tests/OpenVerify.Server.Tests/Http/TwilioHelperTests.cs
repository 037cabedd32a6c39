using Newtonsoft.Json.Linq;
using OpenVerify.TestKit;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Verify.V2;
using Twilio.Rest.Verify.V2.Service;
using Twilio.Rest.Verify.V2.Service.Entity;
using Twilio.Rest.Verify.V2.Service.Entity.Challenge;
using NewFactor = Twilio.Rest.Verify.V2.Service.Entity.NewFactorResource;

namespace OpenVerify.Server.Tests.Http;

/// <summary>Twilio's C# helper (8.2.0) against the server, redirected with <see cref="TwilioRedirect"/> (docs/protocol/rest-api.md (b) 59–60).</summary>
public sealed class TwilioHelperTests
{
    private static TwilioRestClient Helper(TestApi api, string? user = null, string? secret = null) =>
        new(user ?? api.AccountSid, secret ?? api.AuthToken, accountSid: api.AccountSid,
            httpClient: new SystemNetHttpClient(new System.Net.Http.HttpClient(new TwilioRedirect(new Uri("http://localhost"), api.Server.CreateHandler()))));

    [Fact]
    public async Task The_helper_creates_and_reads_services_with_utc_dates_and_string_links()
    {
        await using var api = await TestApi.StartAsync();
        var client = Helper(api);
        var service = await ServiceResource.CreateAsync(friendlyName: "My Service", pushIncludeDate: false, totpIssuer: "My Inc", totpTimeStep: 30, totpCodeLength: 6, totpSkew: 1, client: client);
        Assert.StartsWith("VA", service.Sid);
        Assert.Equal(DateTimeKind.Utc, service.DateCreated!.Value.Kind);
        Assert.Equal("http://localhost/v2/Services/" + service.Sid + "/Entities", service.Links["entities"]);
        var fetched = await ServiceResource.FetchAsync(service.Sid, client: client);
        Assert.Equal("My Service", fetched.FriendlyName);
        Assert.Equal("My Inc", ((JObject)fetched.Totp)["issuer"]!.ToString());
    }

    [Fact]
    public async Task The_helper_creates_challenges_with_fields_and_hidden_details_and_reads_them_across_pages()
    {
        await using var api = await TestApi.StartAsync();
        var client = Helper(api);
        var e = await api.EnrolNewAsync();
        var expires = api.Clock.GetUtcNow().UtcDateTime.AddMinutes(30);
        expires = new DateTime(expires.Year, expires.Month, expires.Day, expires.Hour, expires.Minute, expires.Second, DateTimeKind.Utc);
        var created = await ChallengeResource.CreateAsync(e.ServiceSid, e.Identity, e.Factor.Sid, expirationDate: expires,
            detailsMessage: "Hi! Mr. John Doe, would you like to sign up?",
            detailsFields: [new Dictionary<string, string> { ["label"] = "Action", ["value"] = "Sign up in portal" }, new { label = "Location", value = "Berlin, DE & more=yes" }],
            hiddenDetails: new Dictionary<string, string> { ["ip"] = "172.168.1.234" }, client: client);
        Assert.Equal(ChallengeResource.ChallengeStatusesEnum.Pending, created.Status);
        Assert.Equal(expires, created.ExpirationDate);
        var details = (JObject)created.Details;
        Assert.Equal("Berlin, DE & more=yes", details["fields"]![1]!["value"]!.ToString());
        Assert.Equal("172.168.1.234", ((JObject)created.HiddenDetails)["ip"]!.ToString());
        await ChallengeResource.CreateAsync(e.ServiceSid, e.Identity, e.Factor.Sid, detailsMessage: "second", client: client);
        await ChallengeResource.CreateAsync(e.ServiceSid, e.Identity, e.Factor.Sid, detailsMessage: "third", client: client);
        var all = (await ChallengeResource.ReadAsync(e.ServiceSid, e.Identity, pageSize: 1, client: client)).ToList();
        Assert.Equal(3, all.Count);
        Assert.Equal(created.Sid, all[0].Sid);
        var desc = (await ChallengeResource.ReadAsync(e.ServiceSid, e.Identity, factorSid: e.Factor.Sid, status: ChallengeResource.ChallengeStatusesEnum.Pending,
            order: ChallengeResource.ListOrdersEnum.Desc, client: client)).ToList();
        Assert.Equal("third", ((JObject)desc[0].Details)["message"]!.ToString());
        var notification = await NotificationResource.CreateAsync(e.ServiceSid, e.Identity, created.Sid, ttl: 300, client: client);
        Assert.Equal(300, notification.Ttl);
    }

    [Fact]
    public async Task The_helper_pages_factors_and_sees_the_approval()
    {
        await using var api = await TestApi.StartAsync();
        var client = Helper(api);
        var service = await api.CreateServiceAsync();
        var identity = TestApi.NewIdentity();
        var first = await api.EnrolAsync(service, identity);
        await api.EnrolAsync(service, identity);
        await api.EnrolAsync(service, identity);
        var factors = (await FactorResource.ReadAsync(service, identity, pageSize: 2, client: client)).ToList();
        Assert.Equal(3, factors.Count);
        Assert.Equal(FactorResource.FactorStatusesEnum.Verified, factors[0].Status);
        var challenge = await ChallengeResource.CreateAsync(service, identity, first.Factor.Sid, detailsMessage: "Approve?", client: client);
        await first.Device.ApproveAsync(first.Factor, challenge.Sid);
        var fetched = await ChallengeResource.FetchAsync(service, identity, challenge.Sid, client: client);
        Assert.Equal(ChallengeResource.ChallengeStatusesEnum.Approved, fetched.Status);
        Assert.NotNull(fetched.DateResponded);
    }

    [Fact]
    public async Task The_helpers_delete_returns_true_and_errors_surface_as_api_exceptions_with_the_code()
    {
        await using var api = await TestApi.StartAsync();
        var client = Helper(api);
        var service = await api.CreateServiceAsync();
        var hook = await WebhookResource.CreateAsync(service, "my hook", ["factor.created", "challenge.approved"], "http://127.0.0.1:9/hook?x=1", client: client);
        Assert.Equal(["factor.created", "challenge.approved"], hook.EventTypes);
        Assert.Equal(WebhookResource.StatusEnum.Enabled, hook.Status);
        var updated = await WebhookResource.UpdateAsync(service, hook.Sid, status: WebhookResource.StatusEnum.Disabled, client: client);
        Assert.Equal(WebhookResource.StatusEnum.Disabled, updated.Status);
        Assert.True(await WebhookResource.DeleteAsync(service, hook.Sid, client: client));
        var missing = await Assert.ThrowsAsync<ApiException>(() => WebhookResource.FetchAsync(service, hook.Sid, client: client));
        Assert.Equal(20404, missing.Code);
        Assert.Equal(404, missing.Status);
        Assert.Equal("https://www.twilio.com/docs/errors/20404", missing.MoreInfo);
        var badIdentity = await Assert.ThrowsAsync<ApiException>(() => EntityResource.CreateAsync(service, "bad", client: client));
        Assert.Equal(60200, badIdentity.Code);
    }

    [Fact]
    public async Task The_helper_creates_access_tokens_that_a_device_enrols_with()
    {
        await using var api = await TestApi.StartAsync();
        var client = Helper(api);
        var service = await api.CreateServiceAsync();
        var token = await AccessTokenResource.CreateAsync(service, "alice-0001", AccessTokenResource.FactorTypesEnum.Push, factorFriendlyName: "Pixel 8", ttl: 300, client: client);
        Assert.Equal(300, token.Ttl);
        Assert.Equal("alice-0001", token.EntityIdentity);
        var fetched = await AccessTokenResource.FetchAsync(service, token.Sid, client: client);
        Assert.Equal(token.Token, fetched.Token);
        var factor = await api.Device().CreateFactorAsync(service, "alice-0001", token.Token);
        Assert.StartsWith("YF", factor.Sid);
    }

    [Fact]
    public async Task The_helper_creates_a_totp_factor_verifies_it_and_answers_challenges_with_codes()
    {
        await using var api = await TestApi.StartAsync();
        var client = Helper(api);
        var service = await ServiceResource.CreateAsync(friendlyName: "Totp Co", totpIssuer: "Totp Co", client: client);
        var identity = TestApi.NewIdentity();
        var created = await NewFactor.CreateAsync(service.Sid, identity, "alice@example.com", NewFactor.FactorTypesEnum.Totp,
            configAlg: NewFactor.TotpAlgorithmsEnum.Sha256, configCodeLength: 8, configTimeStep: 30, configSkew: 1, client: client);
        Assert.Equal(NewFactor.FactorTypesEnum.Totp, created.FactorType);
        Assert.Equal(NewFactor.FactorStatusesEnum.Unverified, created.Status);
        var binding = (JObject)created.Binding;
        Assert.StartsWith("otpauth://totp/Totp%20Co:alice%40example.com?secret=" + binding["secret"], binding["uri"]!.ToString());
        // Codes from an independent implementation, as an authenticator app would compute them.
        var totp = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(binding["secret"]!.ToString()), 30, OtpNet.OtpHashMode.Sha256, 8);
        var wrong = await Assert.ThrowsAsync<ApiException>(() => FactorResource.UpdateAsync(service.Sid, identity, created.Sid, authPayload: "00000000", client: client));
        Assert.Equal((60311, 403), (wrong.Code, wrong.Status));
        var verified = await FactorResource.UpdateAsync(service.Sid, identity, created.Sid, authPayload: totp.ComputeTotp(api.Clock.GetUtcNow().UtcDateTime), client: client);
        Assert.Equal(FactorResource.FactorStatusesEnum.Verified, verified.Status);
        Assert.Equal("sha256", ((JObject)verified.Config)["alg"]!.ToString());
        api.Clock.Advance(TimeSpan.FromSeconds(30));
        var approved = await ChallengeResource.CreateAsync(service.Sid, identity, created.Sid, authPayload: totp.ComputeTotp(api.Clock.GetUtcNow().UtcDateTime), client: client);
        Assert.Equal(ChallengeResource.ChallengeStatusesEnum.Approved, approved.Status);
        Assert.Equal(ChallengeResource.FactorTypesEnum.Totp, approved.FactorType);
        var denied = await ChallengeResource.CreateAsync(service.Sid, identity, created.Sid, authPayload: "00000000", client: client);
        Assert.Equal(ChallengeResource.ChallengeStatusesEnum.Denied, denied.Status);
    }

    [Fact]
    public async Task The_helper_authenticates_with_an_api_key()
    {
        await using var api = await TestApi.StartAsync();
        var bootstrap = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Accounts.AccountBootstrap>(api.Services);
        var (key, secret) = await bootstrap.CreateKeyAsync(api.AccountSid, "helper", CancellationToken.None);
        var service = await ServiceResource.CreateAsync(friendlyName: "via key", client: Helper(api, key.Sid, secret));
        Assert.Equal(api.AccountSid, service.AccountSid);
        var denied = await Assert.ThrowsAsync<ApiException>(() => ServiceResource.FetchAsync(service.Sid, client: Helper(api, key.Sid, "wrong")));
        Assert.Equal(401, denied.Status);
        Assert.Equal(20003, denied.Code);
    }
}
