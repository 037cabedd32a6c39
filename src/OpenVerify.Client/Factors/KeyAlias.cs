using System.Security.Cryptography;

namespace OpenVerify.Client;

/// <summary>Key aliases: 15 random characters of [A-Za-z0-9], one per factor, as both SDKs generate them.</summary>
internal static class KeyAlias
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string New() => RandomNumberGenerator.GetString(Alphabet, 15);
}
