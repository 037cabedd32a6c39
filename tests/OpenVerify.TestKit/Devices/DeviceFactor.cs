using System.Security.Cryptography;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.TestKit.Devices;

/// <summary>A factor as the SDK stores it locally after create (docs/protocol/device.md §7): ids and the private key.</summary>
public sealed class DeviceFactor : IDisposable
{
    internal DeviceFactor(string sid, string credentialSid, string accountSid, string serviceSid, string identity, string friendlyName, string status, ECDsa key)
    {
        Sid = sid;
        CredentialSid = credentialSid;
        AccountSid = accountSid;
        ServiceSid = serviceSid;
        Identity = identity;
        FriendlyName = friendlyName;
        Status = status;
        Key = key;
    }

    /// <summary>YF SID.</summary>
    public string Sid { get; }

    /// <summary><c>config.credential_sid</c>: the device JWT's <c>kid</c>.</summary>
    public string CredentialSid { get; }

    /// <summary>The device JWT's <c>sub</c>.</summary>
    public string AccountSid { get; }

    /// <summary>The service it was created under (the SDK keeps the value it was called with).</summary>
    public string ServiceSid { get; }

    /// <summary>The identity it was created under.</summary>
    public string Identity { get; }

    /// <summary>The name sent on create and resent on every update.</summary>
    public string FriendlyName { get; }

    /// <summary>unverified | verified, as last reported by the server.</summary>
    public string Status { get; internal set; }

    /// <summary>The P-256 private key (the SDK's key store).</summary>
    public ECDsa Key { get; }

    /// <summary><c>Binding.PublicKey</c>: base64 SPKI DER.</summary>
    public string PublicKey => P256PublicKey.Export(Key);

    /// <inheritdoc />
    public void Dispose() => Key.Dispose();
}
