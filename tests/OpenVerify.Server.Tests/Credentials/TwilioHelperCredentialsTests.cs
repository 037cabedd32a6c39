using OpenVerify.Server.Tests.Delivery.Push;
using Twilio.Clients;
using Twilio.Http;
using Twilio.Rest.Notify.V1;

namespace OpenVerify.Server.Tests.Credentials;

/// <summary>Twilio's own C# helper (Notify v1 Credentials), pointed at OpenVerify.</summary>
public sealed class TwilioHelperCredentialsTests : PushTestBase
{
    private TwilioRestClient twilio = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var http = new System.Net.Http.HttpClient(new ToOpenVerify(host.CreateHandler()));
        twilio = new TwilioRestClient(host.AccountSid, host.AuthToken, httpClient: new SystemNetHttpClient(http));
    }

    [Fact]
    public async Task The_twilio_helper_creates_fetches_lists_updates_and_deletes_credentials()
    {
        var fcm = await CredentialResource.CreateAsync(CredentialResource.PushServiceEnum.Fcm, friendlyName: "android", secret: keys.ServiceAccountJson, client: twilio);
        var apn = await CredentialResource.CreateAsync(CredentialResource.PushServiceEnum.Apn, friendlyName: "ios",
            certificate: TestKeys.CertificatePem(keys.ApnsClientCertificate), privateKey: TestKeys.PrivateKeyPem(keys.ApnsClientCertificate), sandbox: true, client: twilio);

        Assert.Matches("^CR[0-9a-f]{32}$", fcm.Sid);
        Assert.Equal(host.AccountSid, fcm.AccountSid);
        Assert.Equal("True", apn.Sandbox);
        Assert.NotNull(fcm.DateCreated);
        var fetched = await CredentialResource.FetchAsync(apn.Sid, client: twilio);
        Assert.Equal("ios", fetched.FriendlyName);
        var all = (await CredentialResource.ReadAsync(pageSize: 1, client: twilio)).Select(c => c.Sid).ToList();
        Assert.Equal([fcm.Sid, apn.Sid], all);
        var renamed = await CredentialResource.UpdateAsync(fcm.Sid, friendlyName: "android prod", client: twilio);
        Assert.Equal("android prod", renamed.FriendlyName);
        Assert.True(await CredentialResource.DeleteAsync(apn.Sid, client: twilio));
        Assert.Equal([fcm.Sid], (await CredentialResource.ReadAsync(client: twilio)).Select(c => c.Sid));
    }

    /// <summary>Sends the helper's requests for notify.twilio.com to the in-memory server.</summary>
    private sealed class ToOpenVerify(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.RequestUri = new UriBuilder(request.RequestUri!) { Scheme = "http", Host = "localhost", Port = 80 }.Uri;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
