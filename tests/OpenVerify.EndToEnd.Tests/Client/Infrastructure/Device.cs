using OpenVerify.Client;

namespace OpenVerify.EndToEnd.Tests.Client.Infrastructure;

/// <summary>Builds SDK clients that talk to a <see cref="ServerProcess"/>, and enrols through them.</summary>
internal static class Device
{
    /// <summary>A client over file stores in <paramref name="storageDirectory"/>.</summary>
    public static VerifyClient Client(ServerProcess server, string storageDirectory, HttpClient? http = null, TimeProvider? time = null) =>
        Builder(server, http, time).WithStorageDirectory(storageDirectory).Build();

    /// <summary>A client builder pointed at the server; the caller adds stores.</summary>
    public static VerifyClientBuilder Builder(ServerProcess server, HttpClient? http = null, TimeProvider? time = null) =>
        VerifyClient.Builder()
            .WithBaseUrl(server.DeviceBaseUrl)
            .WithHttpClient(http ?? server.CreateHttpClient())
            .WithTimeProvider(time ?? TimeProvider.System)
            .WithDevice(new DeviceInfo { AppName = "E2E", AppId = "com.example.e2e" });

    /// <summary>The enrolment sequence of the sample apps: create the factor, then verify it.</summary>
    public static async Task<Factor> EnrolAsync(VerifyClient client, VerifyBackend backend, string serviceSid, string identity)
    {
        var token = await backend.CreateAccessTokenAsync(serviceSid, identity);
        var created = await client.CreateFactorAsync(new PushFactorPayload("E2E device", serviceSid, identity, PushToken: null, token));
        Assert.Equal(FactorStatus.Unverified, created.Status);
        return await client.VerifyFactorAsync(new VerifyPushFactorPayload(created.Sid));
    }
}
