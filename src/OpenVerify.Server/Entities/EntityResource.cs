using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Entities;

/// <summary>The wire shape of an Entity (<c>verify.v2.service.entity</c>).</summary>
public sealed record EntityResource(
    string Sid, string Identity, string AccountSid, string ServiceSid, string DateCreated, string DateUpdated, string Url, Dictionary<string, string> Links)
{
    /// <summary>Builds the resource with absolute URLs under <paramref name="root"/>.</summary>
    public static EntityResource From(Entity entity, string root)
    {
        var url = VerifyUrls.Entity(root, entity.ServiceSid, entity.Identity);
        return new EntityResource(entity.Sid, entity.Identity, entity.AccountSid, entity.ServiceSid,
            TwilioDate.ToWire(entity.DateCreated), TwilioDate.ToWire(entity.DateUpdated), url,
            new Dictionary<string, string>
            {
                ["factors"] = url + "/Factors",
                // Note: Twilio's new_factors link is the same URL as factors.
                ["new_factors"] = url + "/Factors",
                ["challenges"] = url + "/Challenges",
            });
    }
}
