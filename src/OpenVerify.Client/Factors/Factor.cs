namespace OpenVerify.Client;

/// <summary>
/// A push factor enrolled on this device, as kept in the <see cref="IFactorStore"/>.
/// </summary>
/// <param name="Sid">The factor SID (<c>YF…</c>).</param>
/// <param name="FriendlyName">The name given at enrolment; resent on every update.</param>
/// <param name="AccountSid">The account SID (<c>AC…</c>); the device JWT's <c>sub</c>.</param>
/// <param name="ServiceSid">The Verify service SID (<c>VA…</c>) the factor was created under.</param>
/// <param name="Identity">The entity identity the factor was created under.</param>
/// <param name="Status">Verified or unverified.</param>
/// <param name="CreatedAt">The server's <c>date_created</c>.</param>
/// <param name="CredentialSid">The server's <c>config.credential_sid</c>: the device JWT's <c>kid</c>.</param>
/// <param name="NotificationPlatform">The platform sent at enrolment: <c>fcm</c>, <c>apn</c> or <c>none</c>.</param>
/// <param name="KeyAlias">The alias of the factor's private key in the <see cref="IKeyStore"/>. Never sent to the server.</param>
/// <param name="Metadata">The metadata the server returned, if any.</param>
public sealed record Factor(
    string Sid,
    string FriendlyName,
    string AccountSid,
    string ServiceSid,
    string Identity,
    FactorStatus Status,
    DateTimeOffset CreatedAt,
    string CredentialSid,
    string NotificationPlatform,
    string KeyAlias,
    IReadOnlyDictionary<string, string>? Metadata = null)
{
    /// <summary>Always <see cref="FactorType.Push"/>.</summary>
    public FactorType Type => FactorType.Push;
}
