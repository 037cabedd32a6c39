using OpenVerify.Server.Delivery.Webhooks;

namespace OpenVerify.Server.Tests.Delivery.Webhooks;

public sealed class WebhookTargetTests
{
    [Fact]
    public void Without_a_fragment_Twilios_defaults_apply()
    {
        var target = WebhookTarget.Parse("https://example.com/hook?a=1");
        Assert.Equal("https://example.com/hook?a=1", target.Url);
        Assert.Equal((5000, 15000, 15000, 1), ((int)target.ConnectTimeout.TotalMilliseconds, (int)target.ReadTimeout.TotalMilliseconds, (int)target.TotalTime.TotalMilliseconds, target.RetryCount));
        Assert.Equal(["ct"], target.RetryPolicy);
    }

    [Fact]
    public void Fragment_overrides_are_read_clamped_and_stripped()
    {
        var target = WebhookTarget.Parse("https://example.com/hook?a=1#ct=50&rt=3000&tt=99999&rc=9&rp=5xx,rt&unknown=1");
        Assert.Equal("https://example.com/hook?a=1", target.Url);
        Assert.Equal((100, 3000, 15000, 5), ((int)target.ConnectTimeout.TotalMilliseconds, (int)target.ReadTimeout.TotalMilliseconds, (int)target.TotalTime.TotalMilliseconds, target.RetryCount));
        Assert.Equal(["5xx", "rt"], target.RetryPolicy.Order());
        Assert.Equal(4, WebhookTarget.Parse("https://example.com/#rp=all").RetryPolicy.Count);
    }
}
