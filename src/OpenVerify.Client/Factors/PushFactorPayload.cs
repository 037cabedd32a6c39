namespace OpenVerify.Client;

/// <summary>What <see cref="VerifyClient.CreateFactorAsync"/> needs to enrol a push factor.</summary>
/// <param name="FriendlyName">A name for the factor, e.g. the device model.</param>
/// <param name="ServiceSid">The Verify service SID (<c>VA…</c>).</param>
/// <param name="Identity">The entity identity, as the app backend knows the user (URL-safe characters only).</param>
/// <param name="PushToken">The FCM or APNs token; null or blank enrols with platform <c>none</c> (the app polls).</param>
/// <param name="AccessToken">The enrolment access token the app backend obtained for this identity.</param>
/// <param name="Metadata">Optional string key/values sent as the factor's <c>Metadata</c>.</param>
public sealed record PushFactorPayload(
    string FriendlyName,
    string ServiceSid,
    string Identity,
    string? PushToken,
    string AccessToken,
    IReadOnlyDictionary<string, string>? Metadata = null);
