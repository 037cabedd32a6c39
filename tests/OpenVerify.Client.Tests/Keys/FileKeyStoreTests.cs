using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OpenVerify.Client.Tests;

public sealed class FileKeyStoreTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "ov-keys-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Signatures_verify_with_the_returned_public_key_across_instances()
    {
        var publicKey = await new FileKeyStore(directory).CreateAsync("alias1");

        var der = await new FileKeyStore(directory).SignAsync("alias1", Encoding.UTF8.GetBytes("YFfactor"));

        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(publicKey, out _);
        Assert.True(key.VerifyData(Encoding.UTF8.GetBytes("YFfactor"), der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public async Task The_private_key_does_not_appear_in_any_file()
    {
        var store = new FileKeyStore(directory);
        await store.CreateAsync("alias1");

        var pkcs8 = DecryptWithTheWrappingKeyFile("alias1");
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        var d = key.ExportParameters(includePrivateParameters: true).D!;

        foreach (var file in Directory.GetFiles(directory))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            var text = Encoding.UTF8.GetString(bytes);
            Assert.False(bytes.AsSpan().IndexOf(d) >= 0, $"raw private scalar in {Path.GetFileName(file)}");
            Assert.DoesNotContain(Convert.ToBase64String(d), text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexString(d), text, StringComparison.OrdinalIgnoreCase);
            Assert.False(bytes.AsSpan().IndexOf(pkcs8) >= 0, $"PKCS#8 in {Path.GetFileName(file)}");
            Assert.DoesNotContain(Convert.ToBase64String(pkcs8), text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Files_and_directory_are_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await new FileKeyStore(directory).CreateAsync("alias1");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        foreach (var file in Directory.GetFiles(directory))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task A_key_file_moved_to_another_alias_does_not_decrypt()
    {
        var store = new FileKeyStore(directory);
        await store.CreateAsync("alias1");
        File.Copy(Path.Combine(directory, "alias1.p256.json"), Path.Combine(directory, "alias2.p256.json"));

        await Assert.ThrowsAnyAsync<CryptographicException>(() => store.SignAsync("alias2", new byte[] { 1 }));
    }

    [Fact]
    public async Task A_given_wrapping_key_is_used_and_never_written()
    {
        var kek = RandomNumberGenerator.GetBytes(32);
        await new FileKeyStore(directory, kek).CreateAsync("alias1");

        Assert.False(File.Exists(Path.Combine(directory, "wrapping.key")));
        await new FileKeyStore(directory, kek).SignAsync("alias1", new byte[] { 1 });
        await Assert.ThrowsAnyAsync<CryptographicException>(() => new FileKeyStore(directory, RandomNumberGenerator.GetBytes(32)).SignAsync("alias1", new byte[] { 1 }));
    }

    [Fact]
    public async Task Create_refuses_an_existing_alias_and_delete_removes_the_key()
    {
        var store = new FileKeyStore(directory);
        await store.CreateAsync("alias1");

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CreateAsync("alias1"));
        Assert.True(await store.ContainsAsync("alias1"));
        await store.DeleteAsync("alias1");
        Assert.False(await store.ContainsAsync("alias1"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.SignAsync("alias1", new byte[] { 1 }));
        await store.DeleteAsync("alias1");
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task Aliases_cannot_leave_the_directory(string alias)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => new FileKeyStore(directory).CreateAsync(alias));
    }

    private byte[] DecryptWithTheWrappingKeyFile(string alias)
    {
        var kek = File.ReadAllBytes(Path.Combine(directory, "wrapping.key"));
        using var sealedKey = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, alias + ".p256.json")));
        var root = sealedKey.RootElement;
        var ciphertext = Convert.FromBase64String(root.GetProperty("ciphertext").GetString()!);
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(kek, 16);
        aes.Decrypt(
            Convert.FromBase64String(root.GetProperty("nonce").GetString()!),
            ciphertext,
            Convert.FromBase64String(root.GetProperty("tag").GetString()!),
            plaintext,
            Encoding.UTF8.GetBytes("openverify-key:v1:" + alias));
        return plaintext;
    }
}
