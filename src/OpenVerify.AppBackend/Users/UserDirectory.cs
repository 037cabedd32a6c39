using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OpenVerify.AppBackend.Users;

/// <summary>The sample's users, from <see cref="AppBackendOptions.Users"/> or the two demo users.</summary>
public sealed class UserDirectory
{
    private readonly IReadOnlyList<DemoUser> users;

    /// <summary>Reads the configured users.</summary>
    public UserDirectory(IOptions<AppBackendOptions> options)
    {
        users = options.Value.Users.Count > 0 ? options.Value.Users : DemoUser.Defaults;
        foreach (var user in users)
        {
            if (!IsUrlSafe(user.Id))
            {
                throw new OptionsValidationException(AppBackendOptions.Section, typeof(AppBackendOptions),
                    [$"User '{user.Username}': Id must be 8 to 64 characters of A-Z, a-z, 0-9, '-' and '_'"]);
            }
        }
    }

    /// <summary>The user with this user name, or null.</summary>
    public DemoUser? Find(string? username) =>
        users.FirstOrDefault(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase));

    /// <summary>The user with this id, or null.</summary>
    public DemoUser? FindById(string? id) => users.FirstOrDefault(u => string.Equals(u.Id, id, StringComparison.Ordinal));

    /// <summary>The user when the password matches (compared in constant time), else null.</summary>
    public DemoUser? SignIn(string? username, string? password)
    {
        var user = Find(username);
        var expected = Encoding.UTF8.GetBytes(user?.Password ?? "\0");
        var given = Encoding.UTF8.GetBytes(password ?? "");
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(expected), SHA256.HashData(given)) && user is not null ? user : null;
    }

    private static bool IsUrlSafe(string id) =>
        id is { Length: >= 8 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
