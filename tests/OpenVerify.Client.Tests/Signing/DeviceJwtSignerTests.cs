using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace OpenVerify.Client.Tests;

public sealed class DeviceJwtSignerTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "ov-jwt-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_key_store_returning_a_malformed_signature_is_an_authentication_token_error()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        var signer = new DeviceJwtSigner(new GarbageSignatures(device.Keys), new DeviceClock(device.Time, device.Factors));

        var error = await Expect.ErrorAsync(ErrorCategory.AuthenticationToken, () => signer.SignAsync(factor, CancellationToken.None));

        Assert.Equal(60407, error.Code);
    }

    [Fact]
    public async Task A_failing_key_store_is_a_key_storage_error()
    {
        using var device = new TestDevice();
        var factor = await device.EnrolAsync();
        var signer = new DeviceJwtSigner(new FailingSignatures(device.Keys), new DeviceClock(device.Time, device.Factors));

        await Expect.ErrorAsync(ErrorCategory.KeyStorage, () => signer.SignAsync(factor, CancellationToken.None));
    }

    [Fact]
    public async Task The_clock_correction_survives_a_restart_with_file_stores()
    {
        var time = new FakeTimeProvider(TestDevice.Start);
        var api = new FakeVerifyApi()
            .Answer(HttpStatusCode.Created, Fixtures.CreateFactorValid)
            .Answer(HttpStatusCode.Unauthorized, "", ("Date", "Thu, 01 Jan 2026 12:01:00 GMT"))
            .Answer(HttpStatusCode.OK, Fixtures.VerifyFactorValid)
            .Answer(HttpStatusCode.OK, Fixtures.GetChallengePendingValid);
        VerifyClient Start() => VerifyClient.Builder().WithBaseUrl(TestDevice.BaseUrl).WithHttpMessageHandler(api).WithStorageDirectory(directory).WithTimeProvider(time).Build();

        using (var first = Start())
        {
            var factor = await first.CreateFactorAsync(TestDevice.Payload());
            await first.VerifyFactorAsync(new VerifyPushFactorPayload(factor.Sid));
        }

        using (var second = Start())
        {
            await second.GetChallengeAsync("challengeSid", "factorSid");
        }

        using var jwt = api.LastRequest.DeviceJwt;
        Assert.Equal(TestDevice.Start.ToUnixTimeSeconds() + 60, jwt.Payload.RootElement.GetProperty("nbf").GetInt64());
    }

    private sealed class GarbageSignatures(IKeyStore inner) : IKeyStore
    {
        public Task<byte[]> CreateAsync(string alias, CancellationToken cancellationToken = default) => inner.CreateAsync(alias, cancellationToken);

        public Task<bool> ContainsAsync(string alias, CancellationToken cancellationToken = default) => inner.ContainsAsync(alias, cancellationToken);

        public Task<byte[]> SignAsync(string alias, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => Task.FromResult(new byte[] { 0x30, 0x01 });

        public Task DeleteAsync(string alias, CancellationToken cancellationToken = default) => inner.DeleteAsync(alias, cancellationToken);
    }

    private sealed class FailingSignatures(IKeyStore inner) : IKeyStore
    {
        public Task<byte[]> CreateAsync(string alias, CancellationToken cancellationToken = default) => inner.CreateAsync(alias, cancellationToken);

        public Task<bool> ContainsAsync(string alias, CancellationToken cancellationToken = default) => inner.ContainsAsync(alias, cancellationToken);

        public Task<byte[]> SignAsync(string alias, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => throw new IOException("hardware key store unavailable");

        public Task DeleteAsync(string alias, CancellationToken cancellationToken = default) => inner.DeleteAsync(alias, cancellationToken);
    }
}
