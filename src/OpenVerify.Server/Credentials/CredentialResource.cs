using OpenVerify.Protocol.Wire;

namespace OpenVerify.Server.Credentials;

/// <summary>
/// The wire shape of a Credential, as Twilio's Credentials resource shows it. Note: Twilio writes
/// <c>sandbox</c> as the string "True"/"False", and its helper libraries read it as a string.
/// No key material is ever part of it.
/// </summary>
public sealed record CredentialResource(string Sid, string AccountSid, string FriendlyName, string Type, string Sandbox, string DateCreated, string DateUpdated, string Url)
{
    /// <summary>Builds the resource with its absolute URL under <paramref name="root"/>.</summary>
    public static CredentialResource From(PushCredential c, string root) =>
        new(c.Sid, c.AccountSid, c.FriendlyName, c.Type, c.Sandbox ? "True" : "False",
            TwilioDate.ToWire(c.DateCreated), TwilioDate.ToWire(c.DateUpdated), root + "/v1/Credentials/" + c.Sid);
}
