using OpenVerify.Protocol.Errors;

namespace OpenVerify.Server.Entities;

/// <summary>
/// Entity identities: 8–64 URL-safe characters <c>[A-Za-z0-9_-]</c>. Note: the Android SDK puts the
/// identity into URL paths unescaped, so nothing else is safe; '_' is allowed because Twilio's own
/// examples use identities such as <c>User_UUID</c>.
/// </summary>
public static class Identity
{
    /// <summary>True for a well-formed identity.</summary>
    public static bool IsValid(string? identity) =>
        identity is { Length: >= 8 and <= 64 } && identity.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Returns the identity or raises 60200 naming the parameter.</summary>
    public static string Require(string? identity, string parameter) =>
        IsValid(identity) ? identity! : throw ErrorCatalogue.InvalidParameter(parameter, "must be 8 to 64 characters of A-Z, a-z, 0-9, '-' and '_'");
}
