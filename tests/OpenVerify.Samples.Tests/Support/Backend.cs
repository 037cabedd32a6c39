using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenVerify.AppBackend;
using OpenVerify.AppBackend.AccessTokens;
using OpenVerify.AppBackend.Logins;
using OpenVerify.AppBackend.Users;
using OpenVerify.AppBackend.Verify;
using OpenVerify.Cli.Demo;
using OpenVerify.Client;
using Twilio.Clients;
using Twilio.Rest.Verify.V2;

namespace OpenVerify.Samples.Tests.Support;

/// <summary>A fresh Verify service and the sample backend for it, on Kestrel, talking to the shared server.</summary>
public sealed class Backend : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly List<IDisposable> owned = [];

    private Backend(DemoServer server, TwilioRestClient admin, string serviceSid, AppBackendHost host)
    {
        Server = server;
        Admin = admin;
        ServiceSid = serviceSid;
        Host = host;
    }

    public DemoServer Server { get; }
    public TwilioRestClient Admin { get; }
    public string ServiceSid { get; }
    public AppBackendHost Host { get; }

    public static DemoUser Alice => DemoUser.Defaults[0];
    public static DemoUser Bob => DemoUser.Defaults[1];

    public static async Task<Backend> StartAsync(DemoServer server, Action<AppBackendOptions>? configure = null)
    {
        var admin = VerifyRestClient.Create(server.Url, server.AccountSid, server.AuthToken);
        var service = await ServiceResource.CreateAsync(friendlyName: "Samples tests", client: admin);
        var options = new AppBackendOptions
        {
            OpenVerifyUrl = server.Url.ToString(),
            AccountSid = server.AccountSid,
            AuthToken = server.AuthToken,
            ServiceSid = service.Sid,
        };
        configure?.Invoke(options);
        return new Backend(server, admin, service.Sid, await AppBackendHost.StartAsync(options));
    }

    /// <summary>A client with its own cookie jar (a browser, or the app on a device).</summary>
    public HttpClient NewBrowser()
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = Host.Url };
        owned.Add(client);
        return client;
    }

    public async Task<HttpClient> SignedInAsync(DemoUser user)
    {
        var client = NewBrowser();
        using var response = await client.PostAsJsonAsync("/login", new LoginApi.LoginRequest(user.Username, user.Password), Json);
        response.EnsureSuccessStatusCode();
        return client;
    }

    public VerifyClient NewDevice()
    {
        var device = VerifyClient.Builder()
            .WithBaseUrl(Server.ApiBaseUrl)
            .WithKeyStore(new InMemoryKeyStore())
            .WithFactorStore(new InMemoryFactorStore())
            .WithDevice(new DeviceInfo { AppName = "Tests", AppId = "com.example.tests" })
            .Build();
        owned.Add(device);
        return device;
    }

    public async Task<AccessTokensApi.AccessTokenResponse> AccessTokenAsync(HttpClient app)
    {
        using var response = await app.PostAsync("/accessTokens", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<AccessTokensApi.AccessTokenResponse>(Json))!;
    }

    /// <summary>The user signs in on a new device, which registers and verifies its factor.</summary>
    public async Task<(VerifyClient Device, string FactorSid, HttpClient App)> RegisterDeviceAsync(DemoUser user)
    {
        var app = await SignedInAsync(user);
        var token = await AccessTokenAsync(app);
        var device = NewDevice();
        var factor = await device.CreateFactorAsync(new PushFactorPayload("Test device", token.ServiceSid, token.Identity, null, token.Token));
        factor = await device.VerifyFactorAsync(new VerifyPushFactorPayload(factor.Sid));
        Assert.Equal(FactorStatus.Verified, factor.Status);
        return (device, factor.Sid, app);
    }

    public static async Task<PushLoginApi.PushLoginStatus> StartPushLoginAsync(HttpClient browser, string username)
    {
        using var response = await browser.PostAsJsonAsync("/login/push", new PushLoginApi.PushLoginRequest(username), Json);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PushLoginApi.PushLoginStatus>(Json))!;
    }

    public static async Task<PushLoginApi.PushLoginStatus> PushLoginStatusAsync(HttpClient browser, string transactionId, int waitSeconds)
    {
        using var response = await browser.GetAsync($"/login/push/{transactionId}?wait={waitSeconds}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PushLoginApi.PushLoginStatus>(Json))!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var item in owned)
        {
            item.Dispose();
        }

        await Host.DisposeAsync();
    }
}
