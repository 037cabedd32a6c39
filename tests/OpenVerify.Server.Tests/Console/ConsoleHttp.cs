using System.Net;
using System.Text.RegularExpressions;

namespace OpenVerify.Server.Tests.Console;

/// <summary>A console answer: status, body, the Set-Cookie lines and the Location header.</summary>
public sealed record ConsoleResponse(HttpStatusCode Status, string Body, IReadOnlyList<string> SetCookies, string? Location, IReadOnlyDictionary<string, IEnumerable<string>> Headers)
{
    public int Code => (int)Status;
}

/// <summary>
/// A browser-less console user over HTTP (the in-process server or real Kestrel): keeps cookies the way a
/// browser keeps them for one site, reads the anti-forgery token out of each form, and never follows
/// redirects, so tests see every 302 and where it points.
/// </summary>
public sealed partial class ConsoleHttp(HttpMessageHandler handler, Uri baseAddress) : IDisposable
{
    private readonly HttpClient http = new(handler, disposeHandler: false) { BaseAddress = baseAddress };
    private readonly Dictionary<string, string> cookies = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Cookies => cookies;

    public async Task<ConsoleResponse> GetAsync(string path) => await SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    /// <summary>GETs <paramref name="formPage"/>, then POSTs its form (to <paramref name="action"/>, or back to the page) with <paramref name="fields"/> and, unless told not to, the anti-forgery token.</summary>
    public async Task<ConsoleResponse> SubmitAsync(string formPage, IEnumerable<KeyValuePair<string, string>> fields, string? action = null, bool withToken = true)
    {
        var page = await GetAsync(formPage);
        Assert.True(page.Code == 200, $"GET {formPage} answered {page.Code}");
        var form = fields.ToList();
        if (withToken)
        {
            form.Add(new("__RequestVerificationToken", TokenOf(page.Body)));
        }

        return await PostAsync(action ?? formPage, form);
    }

    public async Task<ConsoleResponse> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> form) =>
        await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) });

    /// <summary>Signs in with the form; the answer is the POST's (302 to /console when it worked).</summary>
    public Task<ConsoleResponse> SignInAsync(string sid, string secret) => SubmitAsync("/console/login", [new("Sid", sid), new("Secret", secret)]);

    public static string TokenOf(string html)
    {
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, "the page has no anti-forgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private async Task<ConsoleResponse> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            if (cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => c.Key + "=" + c.Value)));
            }

            using var response = await http.SendAsync(request);
            var setCookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
            foreach (var line in setCookies)
            {
                var pair = line.Split(';', 2)[0];
                var eq = pair.IndexOf('=');
                var (name, value) = (pair[..eq], pair[(eq + 1)..]);
                var expired = line.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase);
                if (expired || value.Length == 0)
                {
                    cookies.Remove(name);
                }
                else
                {
                    cookies[name] = value;
                }
            }

            var headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
            return new ConsoleResponse(response.StatusCode, await response.Content.ReadAsStringAsync(), setCookies, response.Headers.Location?.OriginalString, headers);
        }
    }

    public void Dispose() => http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
