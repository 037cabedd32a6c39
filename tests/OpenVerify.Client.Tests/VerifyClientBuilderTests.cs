using System.Net;

namespace OpenVerify.Client.Tests;

public sealed class VerifyClientBuilderTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "ov-client-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Default_base_url_is_twilio_verify_v2()
    {
        using var client = new VerifyClientBuilder().WithKeyStore(new InMemoryKeyStore()).WithFactorStore(new InMemoryFactorStore()).Build();

        Assert.Equal("https://verify.twilio.com/v2/", client.BaseUrl.AbsoluteUri);
    }

    [Fact]
    public void A_missing_trailing_slash_is_added()
    {
        using var client = VerifyClient.Builder().WithBaseUrl("http://127.0.0.1:5000/v2").WithStorageDirectory(directory).Build();

        Assert.Equal("http://127.0.0.1:5000/v2/", client.BaseUrl.AbsoluteUri);
    }

    [Theory]
    [InlineData("ftp://example.test/v2/")]
    [InlineData("https://example.test/v2/?x=1")]
    public void Unusable_base_urls_are_initialization_errors(string url)
    {
        var error = Assert.Throws<VerifyClientException>(() => VerifyClient.Builder().WithBaseUrl(url).WithStorageDirectory(directory).Build());

        Assert.Equal(ErrorCategory.Initialization, error.Category);
        Assert.Equal(60406, error.Code);
    }

    [Fact]
    public async Task Storage_directory_roots_both_file_stores()
    {
        var api = new FakeVerifyApi().Answer(HttpStatusCode.Created, Fixtures.CreateFactorValid);
        using (var client = VerifyClient.Builder().WithBaseUrl(TestDevice.BaseUrl).WithHttpMessageHandler(api).WithStorageDirectory(directory).Build())
        {
            await client.CreateFactorAsync(TestDevice.Payload());
        }

        Assert.True(File.Exists(Path.Combine(directory, "factors.json")));
        Assert.Single(Directory.GetFiles(Path.Combine(directory, "keys"), "*.p256.json"));
        using var reopened = VerifyClient.Builder().WithStorageDirectory(directory).Build();
        Assert.Equal("factorSid", Assert.Single(await reopened.GetAllFactorsAsync()).Sid);
    }

    [Fact]
    public void User_agent_has_the_nine_android_fields()
    {
        var device = new DeviceInfo { AppName = "App", OsName = "Android", AppVersion = "1.0", AppBuild = "7", OsVersion = "Android 14 (34)", Model = "Pixel" };

        Assert.Equal("App; Android; 1.0; 7; Android 14 (34); Pixel; VerifySDK; 0.9.0; 2013", device.UserAgent);
    }

    [Fact]
    public void An_http_client_is_not_disposed_by_the_client()
    {
        using var http = new HttpClient(new FakeVerifyApi());
        var client = VerifyClient.Builder().WithHttpClient(http).WithStorageDirectory(directory).Build();

        client.Dispose();

        Assert.Equal(TimeSpan.FromSeconds(100), http.Timeout);
        http.Timeout = TimeSpan.FromSeconds(5);
    }
}
