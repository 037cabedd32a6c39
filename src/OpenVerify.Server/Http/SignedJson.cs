using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace OpenVerify.Server.Http;

/// <summary>
/// A JSON response with a signature header: base64 HMAC-SHA256 of the exact body bytes, keyed with
/// the account's auth token. Note: Twilio declares <c>Twilio-Verify-Factor-Signature</c> and
/// <c>Twilio-Verify-Challenge-Signature</c> without defining them and no SDK reads them; this
/// definition lets a backend that relays the body prove it came from the server unchanged.
/// </summary>
public static class SignedJson
{
    /// <summary>Serialises <paramref name="value"/>, signs the bytes, and answers 200.</summary>
    public static IResult Ok<T>(HttpContext http, T value, string header, string authToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(value, VerifyJson.Options);
        http.Response.Headers[header] = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(authToken), body));
        return TypedResults.Bytes(body, "application/json; charset=utf-8");
    }
}
