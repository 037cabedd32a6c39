using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Hosting;

namespace OpenVerify.Server.Http;

/// <summary>
/// The request's parameters: the url-encoded body of a POST, the query string otherwise.
/// Every accessor validates and raises a Twilio-shaped <see cref="VerifyError"/>, so handlers read
/// like the spec. Note: both SDK encodings parse the same way: pairs split on '&amp;', each on its
/// first '=', then percent-decoded; neither SDK sends a raw '+', and the C# helper's '+' is a space.
/// Unknown keys are ignored (docs/protocol/rest-api.md (b) 8: Twilio's own examples send undeclared keys).
/// </summary>
public sealed class VerifyForm
{
    private readonly Dictionary<string, StringValues> values;

    private VerifyForm(Dictionary<string, StringValues> values) => this.values = values;

    /// <summary>Minimal-API binding: reads the body (POST) or query (other methods).</summary>
    public static async ValueTask<VerifyForm> BindAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            return new VerifyForm(context.Request.Query.ToDictionary(q => q.Key, q => q.Value, StringComparer.OrdinalIgnoreCase));
        }

        var limit = context.RequestServices.GetRequiredService<IOptions<OpenVerifyOptions>>().Value.MaxRequestBodyBytes;
        var body = await ReadBodyAsync(context.Request, limit, context.RequestAborted);
        return Parse(body);
    }

    /// <summary>Parses url-encoded text.</summary>
    public static VerifyForm Parse(string body)
    {
        var parsed = QueryHelpers.ParseNullableQuery(body);
        return new VerifyForm(parsed is null
            ? new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, StringValues>(parsed, StringComparer.OrdinalIgnoreCase));
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw ErrorCatalogue.BodyTooLarge(limit);
        }

        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw ErrorCatalogue.BodyTooLarge(limit);
            }

            await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            throw ErrorCatalogue.MalformedBody("The request body is not valid UTF-8");
        }
    }

    /// <summary>True when the key was sent at all.</summary>
    public bool Has(string name) => values.ContainsKey(name);

    /// <summary>True when none of the given keys was sent.</summary>
    public bool HasNone(params string[] names) => names.All(n => !values.ContainsKey(n));

    /// <summary>The first value of a key, or null.</summary>
    public string? Get(string name) => values.TryGetValue(name, out var v) && v.Count > 0 ? WithoutNul(name, v[0]) : null;

    /// <summary>Every value of a repeated key, in the order sent.</summary>
    public IReadOnlyList<string> All(string name) =>
        values.TryGetValue(name, out var v) ? v.Where(s => s is not null).Select(s => WithoutNul(name, s)!).ToList() : [];

    /// <summary>A required, non-empty value.</summary>
    public string Required(string name)
    {
        var value = Get(name);
        return string.IsNullOrEmpty(value) ? throw ErrorCatalogue.MissingParameter(name) : value;
    }

    /// <summary>A string of at most <paramref name="maxLength"/> characters, or null.</summary>
    public string? Text(string name, int maxLength, int minLength = 0)
    {
        var value = Get(name);
        if (value is null)
        {
            return null;
        }

        if (value.Length > maxLength || value.Length < minLength)
        {
            throw ErrorCatalogue.InvalidParameter(name, $"must be {minLength} to {maxLength} characters");
        }

        return value;
    }

    /// <summary>A boolean sent as true/false, or null.</summary>
    public bool? Bool(string name)
    {
        var value = Get(name);
        return value switch
        {
            null => null,
            _ when value.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
            _ when value.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
            _ => throw ErrorCatalogue.InvalidParameter(name, "must be true or false"),
        };
    }

    /// <summary>An integer within [min, max], or null.</summary>
    public int? Int(string name, int min, int max)
    {
        var value = Get(name);
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            throw ErrorCatalogue.InvalidParameter(name, $"must be an integer from {min} to {max}");
        }

        return number;
    }

    /// <summary>A SID with the given prefix, or null.</summary>
    public string? Sid(string name, string prefix)
    {
        var value = Get(name);
        if (value is null)
        {
            return null;
        }

        return Protocol.Sids.Sid.IsValid(value, prefix) ? value : throw ErrorCatalogue.InvalidParameter(name, $"must match ^{prefix}[0-9a-fA-F]{{32}}$");
    }

    /// <summary>One of a fixed set of wire values, or null.</summary>
    public string? OneOf(string name, params string[] allowed)
    {
        var value = Get(name);
        if (value is null)
        {
            return null;
        }

        return allowed.Contains(value, StringComparer.Ordinal) ? value : throw ErrorCatalogue.InvalidParameter(name, "must be one of " + string.Join(", ", allowed));
    }

    /// <summary>An ISO 8601 date-time with a zone, or null.</summary>
    public DateTimeOffset? Date(string name)
    {
        var value = Get(name);
        if (value is null)
        {
            return null;
        }

        return TwilioDate.TryParse(value, out var date) ? date : throw ErrorCatalogue.InvalidParameter(name, "must be an ISO 8601 date-time such as 2030-01-02T03:04:05Z");
    }

    /// <summary>
    /// A stringified JSON object whose values are all strings (HiddenDetails, Metadata), at most
    /// <paramref name="maxLength"/> characters; null when absent. Returned re-serialised, compact.
    /// </summary>
    public Dictionary<string, string>? StringMap(string name, int maxLength)
    {
        var value = Get(name);
        if (value is null)
        {
            return null;
        }

        if (value.Length > maxLength)
        {
            throw ErrorCatalogue.InvalidParameter(name, $"must be at most {maxLength} characters");
        }

        return ParseStringMap(value) ?? throw ErrorCatalogue.InvalidParameter(name, "must be a JSON object whose values are all strings");
    }

    /// <summary>
    /// Refuses U+0000 in any value read: PostgreSQL text cannot store it (SQLite can), so every
    /// provider answers the same 400 instead of one storing it and the other failing with a 500.
    /// </summary>
    private static string? WithoutNul(string name, string? value) =>
        value is not null && value.Contains('\0', StringComparison.Ordinal) ? throw ErrorCatalogue.InvalidParameter(name, "must not contain NUL characters") : value;

    /// <summary>
    /// Parses a JSON object of string values; null when it is anything else, names a key twice,
    /// nests too deep or has a string that does not decode (see <see cref="StrictJson"/>).
    /// </summary>
    public static Dictionary<string, string>? ParseStringMap(string json)
    {
        if (!StrictJson.TryParse(json, out var document))
        {
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                map.Add(property.Name, property.Value.GetString()!);
            }

            return map;
        }
    }
}
