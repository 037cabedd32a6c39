using System.Net;
using OpenVerify.TestKit.Webhooks;

namespace OpenVerify.TestKit.Tests;

public sealed class LoopbackOnlyTests
{
    [Theory]
    [InlineData("http://127.0.0.1:9/hook", true)]
    [InlineData("http://127.1.2.3/hook", true)]
    [InlineData("http://localhost:5000/hook#rc=0", true)]
    [InlineData("http://[::1]:80/", true)]
    [InlineData("http://[::ffff:127.0.0.1]:80/", true)]
    [InlineData("https://example.com/hook", false)]
    [InlineData("http://10.0.0.1/hook", false)]
    [InlineData("http://localhost.example.com/hook", false)]
    [InlineData("/hook", false)]
    public void Only_loopback_hosts_are_allowed(string url, bool allowed) => Assert.Equal(allowed, LoopbackOnly.Allows(url));

    [Fact]
    public async Task TwilioRedirect_refuses_a_webhook_aimed_off_this_machine_before_sending_it()
    {
        var inner = new CountingHandler();
        using var http = new HttpClient(new TwilioRedirect(new Uri("http://127.0.0.1:1"), inner));
        var url = "https://verify.twilio.com/v2/Services/VA" + new string('0', 32) + "/Webhooks";

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => http.PostAsync(url, Form(("FriendlyName", "h"), ("WebhookUrl", "https://example.com/hook"))));
        using var allowed = await http.PostAsync(url, Form(("FriendlyName", "h"), ("WebhookUrl", "http://127.0.0.1:9/hook?x=1")));

        Assert.Contains("https://example.com/hook", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["http://127.0.0.1:1/v2/Services/VA" + new string('0', 32) + "/Webhooks"], inner.Sent);
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    private sealed class CountingHandler : HttpMessageHandler
    {
        public List<string> Sent { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent.Add(request.RequestUri!.AbsoluteUri);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created));
        }
    }
}
