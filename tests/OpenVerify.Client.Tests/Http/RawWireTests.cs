using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenVerify.Client.Tests;

/// <summary>
/// What SocketsHttpHandler really puts on the wire (the fake handler only sees HttpRequestMessage):
/// a one-connection loopback server that records the raw request head.
/// </summary>
public sealed class RawWireTests
{
    [Fact]
    public async Task Get_and_delete_really_carry_the_form_content_type_and_sdk_headers()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var client = VerifyClient.Builder()
                .WithBaseUrl($"http://127.0.0.1:{port}/v2/")
                .WithKeyStore(device.Keys)
                .WithFactorStore(device.Factors)
                .WithTimeProvider(device.Time)
                .WithDevice(device.Device)
                .Build();

            var get = ServeOnceAsync(listener, "200 OK", Fixtures.GetChallengePendingValid);
            await client.GetChallengeAsync("challengeSid", TestDevice.FactorSid);
            var getHead = await get;

            var delete = ServeOnceAsync(listener, "204 No Content", "");
            await client.DeleteFactorAsync(TestDevice.FactorSid);
            var deleteHead = await delete;

            Assert.StartsWith($"GET /v2/Services/{TestDevice.ServiceSid}/Entities/{TestDevice.Identity}/Challenges/challengeSid HTTP/1.1\r\n", getHead, StringComparison.Ordinal);
            Assert.Contains("\r\nAccept: application/x-www-form-urlencoded\r\n", getHead, StringComparison.Ordinal);
            Assert.Contains("\r\nContent-Type: application/x-www-form-urlencoded\r\n", getHead, StringComparison.Ordinal);
            Assert.Contains($"\r\nUser-Agent: {TestDevice.UserAgent}\r\n", getHead, StringComparison.Ordinal);
            Assert.Contains("\r\nAuthorization: Basic ", getHead, StringComparison.Ordinal);

            Assert.StartsWith($"DELETE /v2/Services/{TestDevice.ServiceSid}/Entities/{TestDevice.Identity}/Factors/factorSid HTTP/1.1\r\n", deleteHead, StringComparison.Ordinal);
            Assert.Contains("\r\nAccept: application/json\r\n", deleteHead, StringComparison.Ordinal);
            Assert.Contains("\r\nContent-Type: application/x-www-form-urlencoded\r\n", deleteHead, StringComparison.Ordinal);
        }
        finally
        {
            listener.Stop();
        }
    }

    private static async Task<string> ServeOnceAsync(TcpListener listener, string status, string body)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = await listener.AcceptTcpClientAsync(timeout.Token);
        var stream = socket.GetStream();
        var received = new StringBuilder();
        var buffer = new byte[8192];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var payload = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {payload.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);
        await stream.WriteAsync(payload, timeout.Token);
        return received.ToString();
    }
}
