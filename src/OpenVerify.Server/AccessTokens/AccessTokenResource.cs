using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.AccessTokens;

/// <summary>The wire shape of an AccessToken (no date_updated, no links).</summary>
public sealed record AccessTokenResource(
    string Sid, string AccountSid, string ServiceSid, string EntityIdentity, string FactorType, string? FactorFriendlyName,
    string Token, string Url, int Ttl, string DateCreated)
{
    /// <summary>Builds the resource with its absolute URL.</summary>
    public static AccessTokenResource From(AccessToken t, string root) => new(
        t.Sid, t.AccountSid, t.ServiceSid, t.Identity, t.FactorType, t.FactorFriendlyName, t.Token,
        VerifyUrls.Service(root, t.ServiceSid) + "/AccessTokens/" + t.Sid, t.Ttl, TwilioDate.ToWire(t.DateCreated));
}
