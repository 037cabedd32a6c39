using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenVerify.Protocol.Signing;
using OpenVerify.Protocol.Wire;

namespace OpenVerify.Bench;

/// <summary>How a device enrols and signs.</summary>
internal enum DeviceFlavour
{
    /// <summary>No push token; reuses its device JWT for a few minutes (modes full, rate, scale).</summary>
    Bench,

    /// <summary>As the Android SDK: an FCM token, SDK version and User-Agent, a fresh device JWT per request (modes sdk, startup).</summary>
    Android,
}

/// <summary>
/// One enrolled push factor, signing like the SDKs (docs/protocol/device.md §2, §4) with the Protocol helpers.
/// Note: the SDKs sign a fresh device JWT for every request. A <see cref="DeviceFlavour.Bench"/> device
/// reuses one for a few minutes (it lives 10) so the generator's CPU goes to the server; the server still
/// verifies every request. An <see cref="DeviceFlavour.Android"/> device signs one per request.
/// </summary>
internal sealed class Device(int index, ECDsa key, DeviceFlavour flavour)
{
    /// <summary>The Android SDK's version (Config.SdkVersion) and User-Agent, as tests/OpenVerify.TestKit's emulator sends them.</summary>
    public const string AndroidSdkVersion = "0.9.0";

    public const string AndroidUserAgent = "OpenVerify Bench; Android; 1.0; 1; Android 14 (34); Pixel 8; VerifySDK; " + AndroidSdkVersion + "; 2013";

    private const string FcmAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static readonly TimeSpan Reuse = TimeSpan.FromMinutes(4);
    private AuthenticationHeaderValue? auth;
    private long signedAt;

    public int Index { get; } = index;
    public ECDsa Key { get; } = key;
    public DeviceFlavour Flavour { get; } = flavour;

    public string Identity { get; } = (flavour == DeviceFlavour.Android ? "sdk-user-" : "bench-user-") + index.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// An FCM registration token for Android devices (the shape of a real one: 22 characters, a colon,
    /// "APA91b" and 134 more, 163 in all), null for bench devices.
    /// </summary>
    public string? PushToken { get; } = flavour == DeviceFlavour.Android
        ? RandomNumberGenerator.GetString(FcmAlphabet, 22) + ":APA91b" + RandomNumberGenerator.GetString(FcmAlphabet, 134)
        : null;
    public string FactorSid { get; set; } = "";
    public string CredentialSid { get; set; } = "";
    public string AccountSid { get; set; } = "";
    public string? CreateBody { get; set; }

    public static Device Create(int index, DeviceFlavour flavour = DeviceFlavour.Bench) => new(index, ECDsa.Create(ECCurve.NamedCurves.nistP256), flavour);

    public string PublicKey => P256PublicKey.Export(Key);

    /// <summary>
    /// The Basic <c>token:&lt;device JWT&gt;</c> header: freshly signed on every call for Android devices,
    /// re-signed when older than a few minutes for bench devices.
    /// </summary>
    public AuthenticationHeaderValue Authorization(TimeProvider clock)
    {
        var current = auth;
        if (current is not null && Flavour == DeviceFlavour.Bench && Stopwatch.GetElapsedTime(signedAt) < Reuse)
        {
            return current;
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var header = $$"""{"cty":"{{DeviceJwt.ContentType}}","kid":"{{CredentialSid}}","typ":"JWT","alg":"ES256"}""";
        var payload = $$"""{"sub":"{{AccountSid}}","exp":{{now + (long)DeviceJwt.Lifetime.TotalSeconds}},"nbf":{{now}}}""";
        var jwt = CompactJws.SignEs256(Key, header, payload);
        current = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(DeviceJwt.BasicUser + ":" + jwt)));
        auth = current;
        signedAt = Stopwatch.GetTimestamp();
        return current;
    }

    /// <summary>
    /// The approval AuthPayload: every field the server listed in Twilio-Verify-Signature-Fields,
    /// copied from the response as JSON, then the requested status (docs/protocol/device.md §4 step 2).
    /// </summary>
    public string SignApproval(JsonElement challenge, string signatureFields, string status)
    {
        using var buffer = new MemoryStream(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var name in signatureFields.Split(','))
            {
                writer.WritePropertyName(name);
                (challenge.TryGetProperty(name, out var value) ? value : throw new InvalidOperationException($"signature field {name} missing from the challenge")).WriteTo(writer);
            }

            writer.WriteString("status", status);
            writer.WriteEndObject();
        }

        return CompactJws.SignEs256(Key, """{"typ":"JWT","alg":"ES256"}""", Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>The verify-factor AuthPayload: base64 DER ECDSA over the factor SID (docs/protocol/device.md §3.3).</summary>
    public string SignFactorSid() => Convert.ToBase64String(Es256.SignDer(Key, Encoding.UTF8.GetBytes(FactorSid)));
}
