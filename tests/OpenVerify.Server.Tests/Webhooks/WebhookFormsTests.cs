using OpenVerify.Server.Webhooks;
using static OpenVerify.Server.Tests.Infrastructure.FormInput;

namespace OpenVerify.Server.Tests.Webhooks;

/// <summary>The CreateWebhook and UpdateWebhook input records, read from forms without a server.</summary>
[StorageFree]
public sealed class WebhookFormsTests
{
    [Fact]
    public void Create_reads_every_field_in_order()
    {
        var input = WebhookForms.ReadCreate(Of(("FriendlyName", "Audit"), ("EventTypes", "factor.created"), ("EventTypes", "challenge.expired"),
            ("WebhookUrl", "https://example.com/hook"), ("Status", "disabled"), ("Version", "v1")));
        Assert.Equal(new WebhookForms.CreateInput("Audit", input.EventTypes, "https://example.com/hook", "disabled", "v1"), input);
        Assert.Equal(["factor.created", "challenge.expired"], input.EventTypes);
        var defaults = WebhookForms.ReadCreate(Of(("FriendlyName", "Audit"), ("EventTypes", "*"), ("WebhookUrl", "http://example.com/")));
        Assert.Equal(((string?)null, (string?)null), (defaults.Status, defaults.Version));
    }

    [Fact]
    public void Create_requires_name_then_event_types_then_url()
    {
        Assert.Contains("FriendlyName", Refuses(20001, 400, () => WebhookForms.ReadCreate(Of())).Message);
        Assert.Contains("EventTypes", Refuses(20001, 400, () => WebhookForms.ReadCreate(Of(("FriendlyName", "Audit")))).Message);
        Assert.Contains("EventTypes", Refuses(20001, 400, () => WebhookForms.ReadCreate(Of(("FriendlyName", "Audit"), ("EventTypes", "*"), ("EventTypes", "")))).Message);
        Assert.Contains("WebhookUrl", Refuses(20001, 400, () => WebhookForms.ReadCreate(Of(("FriendlyName", "Audit"), ("EventTypes", "*")))).Message);
    }

    [Theory]
    [InlineData("EventTypes", "factor.renamed")]
    [InlineData("WebhookUrl", "ftp://example.com/")]
    [InlineData("WebhookUrl", "/relative")]
    [InlineData("Status", "paused")]
    [InlineData("Version", "v3")]
    public void Bad_values_answer_60200(string key, string value)
    {
        (string, string)[] valid = [("FriendlyName", "Audit"), ("EventTypes", "*"), ("WebhookUrl", "https://example.com/")];
        Assert.Contains(key, Refuses(60200, 400, () => WebhookForms.ReadCreate(Of([.. valid.Where(p => p.Item1 != key), (key, value)]))).Message);
    }

    [Fact]
    public void Update_carries_only_what_was_sent_checked_as_on_create()
    {
        Assert.Equal(new WebhookForms.UpdateInput(null, null, null, null, null), WebhookForms.ReadUpdate(Of()));
        Assert.Equal("enabled", WebhookForms.ReadUpdate(Of(("Status", "enabled"))).Status);
        Assert.Equal(["factor.deleted"], WebhookForms.ReadUpdate(Of(("EventTypes", "factor.deleted"))).EventTypes);
        Refuses(60200, 400, () => WebhookForms.ReadUpdate(Of(("FriendlyName", ""))));
        Refuses(20001, 400, () => WebhookForms.ReadUpdate(Of(("EventTypes", ""))));
        Refuses(60200, 400, () => WebhookForms.ReadUpdate(Of(("WebhookUrl", "mailto:a@example.com"))));
    }
}
