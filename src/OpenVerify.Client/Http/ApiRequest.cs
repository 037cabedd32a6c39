namespace OpenVerify.Client;

/// <summary>One call of the device API: method, path relative to the base URL, query and form parameters.</summary>
/// <param name="Method">GET, POST or DELETE.</param>
/// <param name="Path">The path relative to the base URL, e.g. <c>Services/VA…/Entities/alice/Factors</c>.</param>
/// <param name="Query">Query parameters in wire order; empty for none.</param>
/// <param name="Form">Form body parameters in wire order; empty for none.</param>
internal sealed record ApiRequest(
    HttpMethod Method,
    string Path,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    IReadOnlyList<KeyValuePair<string, string>> Form)
{
    public static ApiRequest Get(string path, IReadOnlyList<KeyValuePair<string, string>>? query = null) =>
        new(HttpMethod.Get, path, query ?? [], []);

    public static ApiRequest Post(string path, IReadOnlyList<KeyValuePair<string, string>> form) =>
        new(HttpMethod.Post, path, [], form);

    public static ApiRequest Delete(string path) => new(HttpMethod.Delete, path, [], []);
}
