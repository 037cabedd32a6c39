using System.Net;
using System.Net.Sockets;

namespace OpenVerify.Server.Delivery.Webhooks;

/// <summary>
/// Which addresses a webhook may reach when private networks are not allowed: public unicast only.
/// Refused: loopback, unspecified, link-local, private (RFC 1918, unique local), carrier-grade NAT,
/// multicast, reserved and documentation ranges, and IPv6 forms that embed such an IPv4 address
/// (IPv4-mapped, IPv4-compatible, NAT64, 6to4). Teredo is refused outright.
/// </summary>
public static class NetworkRules
{
    /// <summary>True when <paramref name="address"/> is a public unicast address.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return IsPublicV4(address.GetAddressBytes());
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        var b = address.GetAddressBytes();
        if (address.IsIPv4MappedToIPv6 || b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            // ::ffff:a.b.c.d and ::a.b.c.d (which includes :: and ::1).
            return IsPublicV4(b.AsSpan(12, 4));
        }

        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)
        {
            // NAT64: 64:ff9b::/96 embeds the IPv4 target; 64:ff9b:1::/48 is for local use.
            return b[4] == 0 && b[5] == 0 && IsPublicV4(b.AsSpan(12, 4));
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return IsPublicV4(b.AsSpan(2, 4)); // 6to4
        }

        return !(b[0] == 0xff // multicast
            || (b[0] & 0xfe) == 0xfc // unique local fc00::/7
            || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) // link-local fe80::/10
            || (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) // site-local fec0::/10 (deprecated)
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) // Teredo 2001::/32
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) // documentation 2001:db8::/32
            || (b[0] == 0x01 && b[1] == 0x00 && b.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0)); // discard 100::/64
    }

    private static bool IsPublicV4(ReadOnlySpan<byte> b) => !(
        b[0] == 0 // "this" network
        || b[0] == 10
        || (b[0] == 100 && (b[1] & 0xc0) == 64) // CGNAT 100.64/10
        || b[0] == 127
        || (b[0] == 169 && b[1] == 254)
        || (b[0] == 172 && (b[1] & 0xf0) == 16)
        || (b[0] == 192 && b[1] == 0 && (b[2] == 0 || b[2] == 2)) // IETF protocol assignments, TEST-NET-1
        || (b[0] == 192 && b[1] == 88 && b[2] == 99) // 6to4 relay anycast
        || (b[0] == 192 && b[1] == 168)
        || (b[0] == 198 && (b[1] & 0xfe) == 18) // benchmarking 198.18/15
        || (b[0] == 198 && b[1] == 51 && b[2] == 100)
        || (b[0] == 203 && b[1] == 0 && b[2] == 113)
        || b[0] >= 224); // multicast, reserved, broadcast
}
