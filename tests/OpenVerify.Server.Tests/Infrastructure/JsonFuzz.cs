using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OpenVerify.Server.Tests.Infrastructure;

/// <summary>
/// Random JSON for property-style tests, as raw text so that it can also be what no serializer writes:
/// duplicate member names, deep nesting, numbers beyond every integer type. Deterministic for a seed.
/// </summary>
public sealed class JsonFuzz(int seed)
{
    private static readonly string[] Numbers =
    [
        "0", "-0", "-1", "1.5", "0.1", "1e3", "1E+3", "1.78e9", "1780000000.0", "1780000000.5", "1e308", "-1e308", "1e-308",
        "9007199254740991", "9007199254740992", "-9007199254740991", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "18446744073709551616", "253402300800", "99999999999999999999999999999999",
    ];

    private static readonly string[] Texts =
    [
        "", " ", "null", "true", "0", "1780000000", "ES256", "es256", "none", "HS256", "JWT", "\u00e9t\u00e9", "\u65e5\u672c",
        "\ud83d\ude00", "\u202eRTL", "\u0000", "a\"b", "\\", "</script>", "\u2028",
    ];

    public Random Random { get; } = new(seed);

    /// <summary>Any JSON value: null, booleans, numbers of every size and form, strings, arrays, objects, deep nesting.</summary>
    public string Value(int depth = 0) => Random.Next(depth > 2 ? 5 : 9) switch
    {
        0 => "null",
        1 => Random.Next(2) == 0 ? "true" : "false",
        2 => Number(),
        3 or 4 => Quote(Text()),
        5 => "[" + string.Join(",", Enumerable.Range(0, Random.Next(4)).Select(_ => Value(depth + 1))) + "]",
        6 => Object(Enumerable.Range(0, Random.Next(4)).Select(i => (Text(), Value(depth + 1)))),
        7 => Nested(Random.Next(2, 40)),
        _ => Quote(new string((char)('a' + Random.Next(26)), Random.Next(300, 3000))),
    };

    /// <summary>A number literal: small, fractional, with an exponent, or past 2^53, 2^63 and 2^64.</summary>
    public string Number() => Random.Next(3) == 0
        ? Random.NextInt64(-1_000_000_000_000, 1_000_000_000_000).ToString(CultureInfo.InvariantCulture)
        : Numbers[Random.Next(Numbers.Length)];

    /// <summary>A string: fixed odd ones, random BMP and astral characters, or long.</summary>
    public string Text() => Random.Next(4) switch
    {
        0 or 1 => Texts[Random.Next(Texts.Length)],
        2 => string.Concat(Enumerable.Range(0, Random.Next(1, 12)).Select(_ => char.ConvertFromUtf32(Random.Next(2) == 0 ? Random.Next(0x20, 0xD7FF) : Random.Next(0x10000, 0x10FFFF)))),
        _ => new string('x', Random.Next(100, 2000)),
    };

    /// <summary>Arrays and objects nested <paramref name="depth"/> levels deep.</summary>
    public string Nested(int depth)
    {
        var text = Random.Next(2) == 0 ? "1" : "{}";
        for (var i = 0; i < depth; i++)
        {
            text = Random.Next(2) == 0 ? "[" + text + "]" : "{\"n\":" + text + "}";
        }

        return text;
    }

    /// <summary>One of the items.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];

    /// <summary>An object from raw members, in order, duplicates kept.</summary>
    public static string Object(IEnumerable<(string Name, string Value)> members) =>
        "{" + string.Join(",", members.Select(m => Quote(m.Name) + ":" + m.Value)) + "}";

    /// <summary>A JSON string literal.</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text);

    /// <summary>Short text for failure messages.</summary>
    public static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + $"…({text.Length} chars)";

    /// <summary>UTF-8 of text, or bytes that are not UTF-8 at all.</summary>
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
