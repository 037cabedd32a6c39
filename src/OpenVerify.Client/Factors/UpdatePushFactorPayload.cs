namespace OpenVerify.Client;

/// <summary>What <see cref="VerifyClient.UpdateFactorAsync"/> needs: a local factor and its new push token.</summary>
/// <param name="Sid">The factor SID.</param>
/// <param name="PushToken">The new push token; null or blank switches the factor to platform <c>none</c>.</param>
public sealed record UpdatePushFactorPayload(string Sid, string? PushToken);
