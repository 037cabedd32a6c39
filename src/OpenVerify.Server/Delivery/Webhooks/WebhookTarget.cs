using System.Globalization;

namespace OpenVerify.Server.Delivery.Webhooks;

/// <summary>
/// A webhook URL with Twilio's connection overrides read from its fragment
/// (<c>#ct=1000&amp;rt=3000&amp;tt=5000&amp;rc=2&amp;rp=ct,5xx</c>, docs/protocol/service-behaviour.md §3). The fragment
/// is never sent and never signed: <see cref="Url"/> is what is called and what the signature covers.
/// Out-of-range values are clamped; unknown keys are ignored.
/// </summary>
public sealed record WebhookTarget(string Url, TimeSpan ConnectTimeout, TimeSpan ReadTimeout, TimeSpan TotalTime, int RetryCount, IReadOnlySet<string> RetryPolicy)
{
    /// <summary>Retry-policy classes: connect failure, read time-out, 4xx, 5xx.</summary>
    public const string ConnectFailure = "ct", ReadTimeoutFailure = "rt", ClientError = "4xx", ServerError = "5xx";

    /// <summary>Parses a stored webhook URL.</summary>
    public static WebhookTarget Parse(string webhookUrl)
    {
        var hash = webhookUrl.IndexOf('#', StringComparison.Ordinal);
        var url = hash < 0 ? webhookUrl : webhookUrl[..hash];
        var overrides = hash < 0 ? new Dictionary<string, string>() : ParseFragment(webhookUrl[(hash + 1)..]);
        var policy = overrides.TryGetValue("rp", out var rp)
            ? rp.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.ToLowerInvariant()).ToHashSet()
            : new HashSet<string> { ConnectFailure };
        if (policy.Contains("all"))
        {
            policy = [ConnectFailure, ReadTimeoutFailure, ClientError, ServerError];
        }

        return new WebhookTarget(
            url,
            TimeSpan.FromMilliseconds(Read(overrides, "ct", 5000, 100, 10000)),
            TimeSpan.FromMilliseconds(Read(overrides, "rt", 15000, 100, 15000)),
            TimeSpan.FromMilliseconds(Read(overrides, "tt", 15000, 100, 15000)),
            Read(overrides, "rc", 1, 0, 5),
            policy);
    }

    private static Dictionary<string, string> ParseFragment(string fragment)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in fragment.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[Uri.UnescapeDataString(part[..eq])] = Uri.UnescapeDataString(part[(eq + 1)..]);
            }
        }

        return values;
    }

    private static int Read(Dictionary<string, string> overrides, string key, int fallback, int min, int max) =>
        overrides.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? Math.Clamp(value, min, max)
            : fallback;
}
