namespace OpenVerify.Client;

/// <summary>What <see cref="VerifyClient.VerifyFactorAsync"/> needs: the SID of a local factor.</summary>
/// <param name="Sid">The factor SID.</param>
public sealed record VerifyPushFactorPayload(string Sid);
