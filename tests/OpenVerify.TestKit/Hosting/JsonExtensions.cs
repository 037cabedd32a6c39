namespace OpenVerify.TestKit.Hosting;

public static class JsonExtensions
{
    /// <summary>The string at <paramref name="name"/>, or null.</summary>
    public static string? Str(this JsonNode? node, string name) => node?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The integer at <paramref name="name"/>.</summary>
    public static int Int(this JsonNode? node, string name) => node![name]!.GetValue<int>();

    /// <summary>The sids of a list body's array.</summary>
    public static List<string> Sids(this JsonObject list, string key) => list[key]!.AsArray().Select(i => i.Str("sid")!).ToList();
}
