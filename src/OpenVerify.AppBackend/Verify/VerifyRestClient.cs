using Twilio.Clients;
using Twilio.Http;

namespace OpenVerify.AppBackend.Verify;

/// <summary>Twilio's official <see cref="TwilioRestClient"/>, configured with OpenVerify's URL.</summary>
public static class VerifyRestClient
{
    /// <summary>
    /// A client that authenticates with <paramref name="accountSid"/> and <paramref name="authToken"/> and
    /// whose requests reach <paramref name="openVerifyUrl"/>. The returned client owns its HttpClient.
    /// </summary>
    public static TwilioRestClient Create(Uri openVerifyUrl, string accountSid, string authToken) =>
        new(accountSid, authToken, httpClient: new SystemNetHttpClient(new System.Net.Http.HttpClient(new OpenVerifyRedirect(openVerifyUrl))));
}
