using Microsoft.AspNetCore.Mvc;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Credentials;
using OpenVerify.Server.Services;
using OpenVerify.Server.Webhooks;

namespace OpenVerify.Server.Console.Pages;

/// <summary>One service: its settings, its push credentials (by name), its webhooks.</summary>
public sealed class ServiceModel(IServiceStore services, ICredentialStore credentials, IWebhookStore webhooks) : ConsolePageModel
{
    /// <summary>The service.</summary>
    public Service? Service { get; private set; }

    /// <summary>The FCM and APNs credentials the settings name, looked up in this account.</summary>
    public IReadOnlyList<(string Platform, string? Sid, PushCredential? Credential)> Credentials { get; private set; } = [];

    /// <summary>A page of the service's webhooks.</summary>
    public IReadOnlyList<Webhook> Webhooks { get; private set; } = [];

    /// <summary>The webhook cursor this page started after.</summary>
    public long? WebhooksAfter { get; private set; }

    /// <summary>The next webhook page's cursor.</summary>
    public long? NextWebhooksAfter { get; private set; }

    /// <summary>What the last action did (after its redirect).</summary>
    public string? Notice { get; private set; }

    /// <summary>GET.</summary>
    public async Task<IActionResult> OnGetAsync(string serviceSid, long? webhooksAfter, string? done)
    {
        Notice = Done(done);
        Service = await ServiceAsync(services, serviceSid);
        if (Service is null)
        {
            return NotFound();
        }

        var ct = HttpContext.RequestAborted;
        var named = new List<(string, string?, PushCredential?)>();
        foreach (var (platform, sid) in new[] { ("FCM", Service.Settings.FcmCredentialSid), ("APNs", Service.Settings.ApnCredentialSid) })
        {
            var credential = sid is not null && Sid.IsValid(sid, SidPrefix.Credential) ? await credentials.FindAsync(AccountSid, sid, ct) : null;
            named.Add((platform, sid, credential));
        }

        Credentials = named;
        var page = Page(webhooksAfter, newestFirst: false);
        var slice = page.Slice(await webhooks.ListAsync(Service.Sid, page, ct));
        Webhooks = slice.Items;
        WebhooksAfter = webhooksAfter;
        NextWebhooksAfter = slice.HasNext ? slice.Items[^1].Id : null;
        return Page();
    }
}
