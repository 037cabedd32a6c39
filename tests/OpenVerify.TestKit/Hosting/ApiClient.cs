using System.Net.Http.Headers;
using System.Text;

namespace OpenVerify.TestKit.Hosting;

/// <summary>An app backend calling the API with Basic credentials, encoding forms as the C# helper does.</summary>
public sealed class ApiClient(HttpClient http, string? user, string? secret)
{
    /// <summary>The Basic user (an account or API key SID).</summary>
    public string? User => user;

    /// <summary>The Basic password.</summary>
    public string? Secret => secret;

    public Task<ApiResponse> PostAsync(string path, params (string Key, string Value)[] form) =>
        SendAsync(HttpMethod.Post, path, new FormUrlEncodedContent(form.Select(p => KeyValuePair.Create(p.Key, p.Value))));

    public Task<ApiResponse> PostRawAsync(string path, string body, string contentType = "application/x-www-form-urlencoded")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return SendAsync(HttpMethod.Post, path, content);
    }

    public Task<ApiResponse> PostBytesAsync(string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        return SendAsync(HttpMethod.Post, path, content);
    }

    public Task<ApiResponse> GetAsync(string pathAndQuery) => SendAsync(HttpMethod.Get, pathAndQuery, null);

    public Task<ApiResponse> DeleteAsync(string path)
    {
        // Note: the C# helper sends DELETE with a form Content-Type and Content-Length: 0.
        var content = new ByteArrayContent([]);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        return SendAsync(HttpMethod.Delete, path, content);
    }

    public async Task<ApiResponse> SendAsync(HttpMethod method, string pathOrUrl, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, pathOrUrl) { Content = content };
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + secret)));
        }

        request.Headers.Accept.ParseAdd("application/json");
        using var response = await http.SendAsync(request);
        return new ApiResponse(response, await response.Content.ReadAsStringAsync());
    }
}
