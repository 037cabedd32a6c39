using System.Net;

namespace OpenVerify.TestKit.Webhooks;

/// <summary>
/// Tests never send traffic off this machine: every webhook URL a test server may call must name a
/// loopback host (127.0.0.0/8, ::1 or localhost). The test hosts check each delivery (and
/// <see cref="TwilioRedirect"/> each webhook the helper registers) with this.
/// </summary>
public static class LoopbackOnly
{
    /// <summary>True when <paramref name="url"/> is an absolute URL whose host is loopback.</summary>
    public static bool Allows(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return false;
        }

        var host = uri.Host.Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address));
    }

    /// <summary>Throws when <paramref name="url"/> would leave this machine.</summary>
    public static void Check(string url)
    {
        if (!Allows(url))
        {
            throw new InvalidOperationException(
                $"A test webhook must point at a loopback receiver (OpenVerify.TestKit.Webhooks.WebhookReceiver), not {url}: tests never send traffic off this machine");
        }
    }
}
