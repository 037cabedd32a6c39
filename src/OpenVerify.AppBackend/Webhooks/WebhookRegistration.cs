using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Rest.Verify.V2.Service;

namespace OpenVerify.AppBackend.Webhooks;

/// <summary>Subscribes this backend's <c>/webhooks</c> to the service's events, once.</summary>
public sealed class WebhookRegistration(ITwilioRestClient verify, IOptions<AppBackendOptions> options)
{
    /// <summary>
    /// The SID of an enabled webhook for <paramref name="url"/> on the service, created (for every
    /// event type, <c>*</c>) if there is none yet.
    /// </summary>
    public async Task<string> EnsureAsync(string url, CancellationToken cancellationToken)
    {
        var serviceSid = options.Value.ServiceSid;
        var target = new Uri(url);
        var existing = (await WebhookResource.ReadAsync(serviceSid, client: verify))
            .FirstOrDefault(w => w.WebhookUrl == target && w.Status == WebhookResource.StatusEnum.Enabled);
        if (existing is not null)
        {
            return existing.Sid;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var created = await WebhookResource.CreateAsync(serviceSid, "app backend", ["*"], url, client: verify);
        return created.Sid;
    }
}
