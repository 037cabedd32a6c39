using System.Text;
using OpenVerify.Protocol.Signing;

namespace OpenVerify.Client;

/// <summary>Signs compact ES256 JWS with a key that stays in the <see cref="IKeyStore"/>.</summary>
internal static class JwsSigner
{
    /// <summary>
    /// Returns <c>b64url(header).b64url(payload).b64url(r‖s)</c>. A missing key is a key-storage
    /// error; a signature the store returns malformed is an authentication-token error.
    /// </summary>
    public static async Task<string> SignAsync(IKeyStore keys, string alias, byte[] headerJson, byte[] payloadJson, CancellationToken cancellationToken)
    {
        var input = Base64Url.Encode(headerJson) + "." + Base64Url.Encode(payloadJson);
        byte[] der;
        try
        {
            der = await keys.SignAsync(alias, Encoding.ASCII.GetBytes(input), cancellationToken).ConfigureAwait(false);
        }
        catch (KeyNotFoundException e)
        {
            throw VerifyClientException.KeyStorage("Key pair not set", e);
        }
        catch (Exception e) when (e is not OperationCanceledException and not VerifyClientException)
        {
            throw VerifyClientException.KeyStorage("Signing with the factor key failed: " + e.Message, e);
        }

        try
        {
            return input + "." + Base64Url.Encode(DerSignature.ToRaw(der));
        }
        catch (FormatException e)
        {
            throw new VerifyClientException(ErrorCategory.AuthenticationToken, e.Message, e);
        }
    }
}
