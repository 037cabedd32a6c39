using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenVerify.TestKit.Hosting;

/// <summary>
/// A response from the API. Constructing one checks the invariants every response must keep, so
/// every test exercises them: Twilio error shape with <c>status</c> equal to the HTTP status, a parseable
/// <c>Date</c> on every 401, JSON on every 200/201 with dates in <c>yyyy-MM-ddTHH:mm:ssZ</c> and no
/// top-level <c>uri</c>, and an empty 204.
/// </summary>
public sealed partial class ApiResponse
{
    public ApiResponse(HttpResponseMessage message, string body)
    {
        StatusCode = (int)message.StatusCode;
        Body = body;
        Headers = message.Headers.Concat(message.Content.Headers)
            .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.SelectMany(h => h.Value).ToArray(), StringComparer.OrdinalIgnoreCase);
        ContentType = message.Content.Headers.ContentType?.MediaType;
        CheckInvariants();
    }

    public int StatusCode { get; }

    public string Body { get; }

    public string? ContentType { get; }

    public IReadOnlyDictionary<string, string[]> Headers { get; }

    public string? Header(string name) => Headers.TryGetValue(name, out var v) && v.Length > 0 ? v[0] : null;

    public JsonObject Json => JsonNode.Parse(Body) as JsonObject ?? throw new InvalidOperationException("body is not a JSON object: " + Body);

    public int? ErrorCode => StatusCode >= 400 && Json["code"] is JsonValue v && v.TryGetValue<int>(out var c) ? c : null;

    /// <summary>Asserts the status and returns the body object.</summary>
    public JsonObject Expect(int status)
    {
        Assert.True(StatusCode == status, $"expected {status}, got {StatusCode}: {Body}");
        return status == 204 ? new JsonObject() : Json;
    }

    /// <summary>Asserts a Twilio error with this code and HTTP status.</summary>
    public void ExpectError(int code, int status)
    {
        Assert.True(StatusCode == status && ErrorCode == code, $"expected {status}/{code}, got {StatusCode}: {Body}");
    }

    public override string ToString() => $"{StatusCode} {Body}";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    public static partial Regex TwilioDate();

    private void CheckInvariants()
    {
        if (StatusCode >= 400)
        {
            Assert.True(StatusCode is not (204 or 304), "errors never use 204/304");
            var error = JsonNode.Parse(Body) as JsonObject;
            Assert.True(error is not null, $"error body must be a JSON object: {StatusCode} {Body}");
            Assert.Equal(JsonValueKind.Number, error!["code"]?.GetValueKind());
            Assert.Equal(JsonValueKind.String, error["message"]?.GetValueKind());
            Assert.Equal(JsonValueKind.String, error["more_info"]?.GetValueKind());
            Assert.Equal(StatusCode, error["status"]?.GetValue<int>());
            if (StatusCode == 401)
            {
                var date = Header("Date");
                Assert.True(date is not null, "a 401 must carry Date");
                Assert.True(DateTimeOffset.TryParseExact(date, "ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _), "Date must be RFC 1123: " + date);
            }
        }
        else if (StatusCode == 204)
        {
            Assert.Equal("", Body);
        }
        else if (StatusCode is 200 or 201)
        {
            Assert.Equal("application/json", ContentType);
            var json = JsonNode.Parse(Body);
            Assert.NotNull(json);
            CheckDates(json!, "$");
            if (json is JsonObject o)
            {
                Assert.False(o.ContainsKey("uri"), "no top-level uri (it switches the C# helper to the 2010 API)");
                if (o["meta"] is JsonObject meta)
                {
                    Assert.False(meta.ContainsKey("pageSize"), "no meta.pageSize");
                }
            }
        }
    }

    /// <summary>Every <c>date*</c> / <c>expiration_date</c> string anywhere in the body is a Twilio date.</summary>
    public static void CheckDates(JsonNode node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    if (value is null)
                    {
                        continue;
                    }

                    if ((name.StartsWith("date", StringComparison.Ordinal) || name == "expiration_date") && value.GetValueKind() == JsonValueKind.String)
                    {
                        var text = value.GetValue<string>();
                        Assert.True(TwilioDate().IsMatch(text), $"{path}.{name} = {text} is not yyyy-MM-ddTHH:mm:ssZ");
                    }

                    CheckDates(value, path + "." + name);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is { } item)
                    {
                        CheckDates(item, $"{path}[{i}]");
                    }
                }

                break;
        }
    }
}
