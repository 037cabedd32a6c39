using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.Client.Tests;

/// <summary>A client wired to a fake API, a fake clock and in-memory stores; each test makes its own.</summary>
internal sealed class TestDevice : IDisposable
{
    public const string BaseUrl = "https://verify.example.test/v2/";
    public const string ServiceSid = "VA0123456789abcdef0123456789abcdef";
    public const string Identity = "alice-0001";
    public const string AccessToken = "eyJ.enrolment+token/=";
    public const string PushToken = "fcm-token:abc/def+ghi";
    public const string FactorSid = "factorSid";
    public const string UserAgent = "TestApp; Android; 1.2.3; 45; Android 14 (34); Pixel 8; VerifySDK; 0.9.0; 2013";

    public static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public TestDevice()
    {
        Client = new VerifyClientBuilder()
            .WithBaseUrl(BaseUrl)
            .WithHttpMessageHandler(Api)
            .WithKeyStore(Keys)
            .WithFactorStore(Factors)
            .WithTimeProvider(Time)
            .WithDevice(Device)
            .Build();
    }

    public FakeVerifyApi Api { get; } = new();

    public FakeTimeProvider Time { get; } = new(Start);

    public InMemoryKeyStore Keys { get; } = new();

    public InMemoryFactorStore Factors { get; } = new();

    public DeviceInfo Device { get; } = new()
    {
        AppName = "TestApp",
        AppId = "com.example.app",
        AppVersion = "1.2.3",
        AppBuild = "45",
        OsName = "Android",
        OsVersion = "Android 14 (34)",
        Model = "Pixel 8",
    };

    public VerifyClient Client { get; }

    /// <summary>The factor's public key, taken from the create request's Binding.PublicKey.</summary>
    public ECDsa PublicKey { get; private set; } = null!;

    public static PushFactorPayload Payload(string? pushToken = PushToken, IReadOnlyDictionary<string, string>? metadata = null) =>
        new("friendlyName", ServiceSid, Identity, pushToken, AccessToken, metadata);

    /// <summary>Creates the fixture factor and forgets the create request.</summary>
    public async Task<Factor> EnrolAsync()
    {
        Api.Answer(HttpStatusCode.Created, Fixtures.CreateFactorValid);
        var factor = await Client.CreateFactorAsync(Payload());
        Assert.True(P256PublicKey.TryImport(Api.LastRequest.FormValue("Binding.PublicKey"), out var key));
        PublicKey = key;
        Api.Requests.Clear();
        return factor;
    }

    /// <summary>A challenge body like the pending fixture, with the given values changed.</summary>
    public static string Challenge(string sid = "challengeSid", string factorSid = FactorSid, string status = "pending", Dictionary<string, string>? hidden = null)
    {
        var node = JsonNode.Parse(Fixtures.GetChallengePendingValid)!.AsObject();
        node["sid"] = sid;
        node["factor_sid"] = factorSid;
        node["status"] = status;
        if (hidden is not null)
        {
            node["hidden_details"] = JsonSerializer.SerializeToNode(hidden);
        }

        return node.ToJsonString();
    }

    /// <summary>A list page holding the given challenge bodies.</summary>
    public static string Page(string? nextPageToken, params string[] challenges)
    {
        var next = nextPageToken is null ? "null" : $"\"{BaseUrl}Services/{ServiceSid}/Entities/{Identity}/Challenges?PageSize=50&Page=1&PageToken={nextPageToken}\"";
        return "{\"challenges\":[" + string.Join(",", challenges) + "],\"meta\":{\"page\":0,\"page_size\":50,\"previous_page_url\":null,\"next_page_url\":" + next + ",\"key\":\"challenges\"}}";
    }

    public static (string Name, string Value) SignatureFields(string value = Fixtures.PendingSignatureFields) =>
        ("Twilio-Verify-Signature-Fields", value);

    public void Dispose()
    {
        Client.Dispose();
        Keys.Dispose();
        PublicKey?.Dispose();
        Api.Dispose();
    }
}
