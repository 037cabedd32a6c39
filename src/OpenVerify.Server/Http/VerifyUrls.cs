using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OpenVerify.Server.Hosting;

namespace OpenVerify.Server.Http;

/// <summary>Absolute URLs in responses: the configured public URL, else the request's own scheme and host.</summary>
public static class VerifyUrls
{
    /// <summary>The base (scheme://host[:port][/prefix]) without a trailing slash.</summary>
    public static string Base(HttpContext context)
    {
        var configured = context.RequestServices.GetService(typeof(IOptions<OpenVerifyOptions>)) is IOptions<OpenVerifyOptions> o
            ? o.Value.PublicUrl
            : null;
        if (!string.IsNullOrEmpty(configured))
        {
            return configured.TrimEnd('/');
        }

        var request = context.Request;
        return request.Scheme + "://" + request.Host.Value + request.PathBase.Value;
    }

    /// <summary><c>{base}/v2/Services/{serviceSid}</c>.</summary>
    public static string Service(string root, string serviceSid) => root + "/v2/Services/" + serviceSid;

    /// <summary><c>{base}/v2/Services/{serviceSid}/Entities/{identity}</c>.</summary>
    public static string Entity(string root, string serviceSid, string identity) =>
        Service(root, serviceSid) + "/Entities/" + Uri.EscapeDataString(identity);
}
