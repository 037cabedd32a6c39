using Microsoft.AspNetCore.Http;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Accounts;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Http;
using OpenVerify.Server.Services;
using OpenVerify.Server.Telemetry;

namespace OpenVerify.Server.Factors.Totp;

/// <summary>The totp side of CreateNewFactor and UpdateFactor (<see cref="FactorsApi"/> hands totp factors here).</summary>
public static class TotpFactors
{
    /// <summary>
    /// Fills in a new totp factor from its input (config with the service's defaults, the secret sealed
    /// for its SID) and returns the binding the create response shows once.
    /// </summary>
    public static NewFactorResource.TotpBinding Prepare(TotpForms.CreateInput input, Factor factor, Service service, TotpCheck totp)
    {
        var config = input.ConfigWith(service.Settings);
        var secret = input.SecretOrNew();
        factor.TotpAlg = config.Alg;
        factor.TotpSkew = config.Skew;
        factor.TotpCodeLength = config.CodeLength;
        factor.TotpTimeStep = config.TimeStep;
        factor.TotpSecret = totp.Seal(secret, factor.Sid);
        factor.BindingAlg = "";
        factor.NotificationPlatform = NotificationPlatforms.None;
        var uri = new TotpKeyUri(TotpForms.IssuerOf(service), factor.FriendlyName, secret, config);
        return new NewFactorResource.TotpBinding(secret, uri.ToString());
    }

    /// <summary>
    /// UpdateFactor of a totp factor: the input's code (<c>AuthPayload</c>), which verifies the factor when
    /// it is accepted and answers 60311 when it is not (wrong, outside the window, or used before);
    /// 60310 while the factor is locked. Name and <c>Config.*</c> change only with an accepted code
    /// or without one.
    /// </summary>
    public static async Task<IResult> UpdateAsync(Factor factor, TotpForms.UpdateInput input, TotpCheck totp, ITotpStore store, IAccountStore accounts, TimeProvider clock, OpenVerifyMetrics metrics, HttpContext http)
    {
        var instant = clock.GetUtcNow();
        var now = instant.ToUnixTimeSeconds();
        var change = input.ChangeOf(factor);
        var attempt = input.Code is null ? null : totp.Attempt(factor, input.Code, now);
        var (result, updated) = await store.UpdateFactorAsync(factor.ServiceSid, factor.Identity, factor.Sid, attempt, change, now,
            verified => [VerifyEvent.ForFactor(VerifyEvent.Types.FactorVerified, verified, instant)],
            locked => [VerifyEvent.ForFactor(VerifyEvent.Types.FactorLocked, locked, instant)], http.RequestAborted);
        TotpCheck.ThrowIfLocked(result, now);
        if (result.Verdict == TotpVerdict.Refused)
        {
            throw ErrorCatalogue.FactorCodeRejected();
        }

        // Deleted meanwhile: Twilio answers a vanished factor with 404.
        updated = updated ?? throw ErrorCatalogue.NotFound(http.Request.Path);
        if (factor.Status != FactorStatuses.Verified && updated.Status == FactorStatuses.Verified)
        {
            metrics.Factor(OpenVerifyMetrics.FactorEvents.Verified);
        }

        var account = await accounts.FindAsync(updated.AccountSid, http.RequestAborted) ?? throw ErrorCatalogue.NotFound(http.Request.Path);
        return SignedJson.Ok(http, FactorResource.From(updated, VerifyUrls.Base(http)), VerifyHeaders.FactorSignature, account.AuthToken);
    }
}
