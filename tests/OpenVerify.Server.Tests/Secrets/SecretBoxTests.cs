using OpenVerify.Server.Secrets;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OpenVerify.Server.Hosting;

namespace OpenVerify.Server.Tests.Secrets;

[StorageFree]
public sealed class SecretBoxTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "openverify-secrets-" + Guid.NewGuid().ToString("N"));

    private SecretBox Box(string? key = null) =>
        new(Options.Create(new SecretOptions { Key = key }), Options.Create(new OpenVerifyOptions { DataDirectory = directory }));

    [Fact]
    public void Without_a_configured_key_a_key_file_readable_only_by_the_owner_is_created_and_reused()
    {
        var sealedValue = Box().Seal("p8 key", "CR1");

        var file = Path.Combine(directory, SecretOptions.KeyFileName);
        Assert.True(File.Exists(file));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.Equal("p8 key", Box().Open(sealedValue, "CR1"));
    }

    [Fact]
    public void A_configured_key_is_used_and_no_file_is_written()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var sealedValue = Box(key).Seal("secret", "CR1");

        Assert.Equal("secret", Box(key).Open(sealedValue, "CR1"));
        Assert.False(File.Exists(Path.Combine(directory, SecretOptions.KeyFileName)));
        Assert.ThrowsAny<CryptographicException>(() => Box(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))).Open(sealedValue, "CR1"));
    }

    [Fact]
    public void A_sealed_value_does_not_open_for_another_owner()
    {
        var box = Box();
        var sealedValue = box.Seal("secret", "CR1");

        Assert.ThrowsAny<CryptographicException>(() => box.Open(sealedValue, "CR2"));
    }

    [Fact]
    public void A_key_of_the_wrong_length_fails_validation()
    {
        var options = new SecretOptions { Key = Convert.ToBase64String(new byte[16]) };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Single(errors);
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
