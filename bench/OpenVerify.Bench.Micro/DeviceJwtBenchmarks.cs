using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using OpenVerify.Protocol.Signing;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Auth;

namespace OpenVerify.Bench.Micro;

/// <summary>
/// The device-JWT check of Auth/Authenticator.cs (docs/protocol/device.md §2) without the factor lookup,
/// whole and in its parts: parse, public-key import, ES256 verification.
/// </summary>
[MemoryDiagnoser]
public class DeviceJwtBenchmarks
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private string header = "";
    private string jwt = "";
    private string publicKey = "";
    private ECDsa importedKey = null!;
    private CompactJws parsed = null!;
    private readonly PublicKeys keys = new();

    [GlobalSetup]
    public void Setup()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        publicKey = P256PublicKey.Export(key);
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        jwt = CompactJws.SignEs256(key,
            $$"""{"cty":"{{DeviceJwt.ContentType}}","kid":"CR0123456789abcdef0123456789abcdef","typ":"JWT","alg":"ES256"}""",
            $$"""{"sub":"{{AccountSid}}","exp":{{now + 600}},"nbf":{{now}}}""");
        header = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("token:" + jwt));
        if (!P256PublicKey.TryImport(publicKey, out importedKey) || !CompactJws.TryParse(jwt, out parsed))
        {
            throw new InvalidOperationException("setup");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        importedKey.Dispose();
        parsed.Dispose();
    }

    /// <summary>What the server does per device request, minus the database: Basic decode, parse, import, verify, claims.</summary>
    [Benchmark(Baseline = true)]
    public bool AuthenticateDevice()
    {
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
        if (!CompactJws.TryParse(decoded[(decoded.IndexOf(':') + 1)..], out var jws))
        {
            return false;
        }

        using (jws)
        {
            if (jws.HeaderString("kid") is null || jws.HeaderString("alg") != "ES256" || !P256PublicKey.TryImport(publicKey, out var key))
            {
                return false;
            }

            using (key)
            {
                var payload = jws.Payload.RootElement;
                return jws.VerifyEs256(key)
                    && payload.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String && sub.GetString() == AccountSid
                    && payload.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out _)
                    && payload.TryGetProperty("nbf", out var nbf) && nbf.TryGetInt64(out _);
            }
        }
    }

    /// <summary>The same with the key from the server's cache (Auth/PublicKeys.cs) instead of a fresh import.</summary>
    [Benchmark]
    public bool AuthenticateDeviceCachedKey()
    {
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
        if (!CompactJws.TryParse(decoded[(decoded.IndexOf(':') + 1)..], out var jws))
        {
            return false;
        }

        using (jws)
        {
            if (jws.HeaderString("kid") is null || jws.HeaderString("alg") != "ES256" || !keys.TryRent(publicKey, out var key))
            {
                return false;
            }

            using (key)
            {
                var payload = jws.Payload.RootElement;
                return jws.VerifyEs256(key.Key)
                    && payload.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String && sub.GetString() == AccountSid
                    && payload.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out _)
                    && payload.TryGetProperty("nbf", out var nbf) && nbf.TryGetInt64(out _);
            }
        }
    }

    /// <summary>CompactJws.TryParse: base64url and two JsonDocuments.</summary>
    [Benchmark]
    public bool ParseOnly()
    {
        if (!CompactJws.TryParse(jwt, out var jws))
        {
            return false;
        }

        jws.Dispose();
        return true;
    }

    /// <summary>P256PublicKey.TryImport: base64, SPKI import into OpenSSL, curve check (ExportParameters).</summary>
    [Benchmark]
    public bool ImportKeyOnly()
    {
        if (!P256PublicKey.TryImport(publicKey, out var key))
        {
            return false;
        }

        key.Dispose();
        return true;
    }

    /// <summary>The ES256 verification alone, with the key already imported (what a key cache would leave).</summary>
    [Benchmark]
    public bool VerifyOnly() => parsed.VerifyEs256(importedKey);
}
