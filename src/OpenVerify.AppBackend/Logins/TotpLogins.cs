using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenVerify.AppBackend.Users;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Rest.Verify.V2.Service.Entity;

namespace OpenVerify.AppBackend.Logins;

/// <summary>
/// The fallback when the phone is offline or the app was reinstalled: a TOTP factor on the same
/// entity, enrolled in an authenticator app by its Key URI and checked by OpenVerify, all through
/// Twilio's helper (the same calls work against Twilio).
/// </summary>
public sealed class TotpLogins(ITwilioRestClient verify, IOptions<AppBackendOptions> options)
{
    /// <summary>A new, unverified TOTP factor and the Key URI to show once (as a QR code, say).</summary>
    public sealed record Enrolment(string FactorSid, string Uri);

    /// <summary>The outcome of a code: the factor or challenge status, or the refusal's HTTP status and Twilio code.</summary>
    public sealed record CodeResult(string? Status, int RefusedStatus = 0, int RefusedCode = 0)
    {
        /// <summary>True when OpenVerify took the code.</summary>
        public bool Accepted => RefusedStatus == 0 && Status is "verified" or "approved";
    }

    /// <summary>
    /// Creates a TOTP factor for <paramref name="user"/>, named by the user name so that the
    /// authenticator app shows "issuer:username". The secret is returned only now, inside the Key URI.
    /// </summary>
    public async Task<Enrolment> EnrolAsync(DemoUser user, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var factor = await NewFactorResource.CreateAsync(
            options.Value.ServiceSid, user.Id, user.Username, NewFactorResource.FactorTypesEnum.Totp, client: verify);
        // Note: the helper deserialises binding as an untyped object; its JSON text is what the server sent.
        using var binding = JsonDocument.Parse(factor.Binding?.ToString() ?? "{}");
        var uri = binding.RootElement.TryGetProperty("uri", out var value) ? value.GetString() : null;
        return new Enrolment(factor.Sid, uri ?? throw new InvalidOperationException("OpenVerify returned no binding.uri for the new TOTP factor"));
    }

    /// <summary>Verifies the user's new factor with the first code from the authenticator app.</summary>
    public async Task<CodeResult> VerifyAsync(DemoUser user, string factorSid, string code, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var factor = await FactorResource.UpdateAsync(options.Value.ServiceSid, user.Id, factorSid, authPayload: code, client: verify);
            return new CodeResult(factor.Status.ToString());
        }
        catch (ApiException refused) when (refused.Status is 403 or 404 or 429)
        {
            return new CodeResult(null, refused.Status, refused.Code);
        }
    }

    /// <summary>
    /// Checks a login code: a challenge created with <c>AuthPayload</c> is answered at once, approved
    /// for the right code and denied for a wrong one. Null when the user has no verified TOTP factor.
    /// </summary>
    public async Task<CodeResult?> CheckAsync(DemoUser user, string code, CancellationToken cancellationToken)
    {
        var serviceSid = options.Value.ServiceSid;
        var factors = await FactorResource.ReadAsync(serviceSid, user.Id, client: verify);
        var factor = factors.FirstOrDefault(f => f.FactorType == FactorResource.FactorTypesEnum.Totp && f.Status == FactorResource.FactorStatusesEnum.Verified);
        if (factor is null)
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var challenge = await ChallengeResource.CreateAsync(serviceSid, user.Id, factor.Sid, authPayload: code, client: verify);
            return new CodeResult(challenge.Status.ToString());
        }
        catch (ApiException refused) when (refused.Status == 429)
        {
            // Too many wrong codes: OpenVerify locked the factor for a while (60310).
            return new CodeResult(null, refused.Status, refused.Code);
        }
    }
}
