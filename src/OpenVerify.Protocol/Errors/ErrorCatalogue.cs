namespace OpenVerify.Protocol.Errors;

/// <summary>
/// Every error the server answers with, in one place: Twilio code, HTTP status and message
/// (docs/protocol/service-behaviour.md §5 for the 60xxx codes; Twilio's 20xxx codes for transport-level errors).
/// </summary>
public static class ErrorCatalogue
{
    /// <summary>20003: missing or wrong credentials (401).</summary>
    public static VerifyError Unauthorized(string detail = "Authenticate") => new(20003, 401, detail);

    /// <summary>20403: authenticated, but not allowed to do this (403).</summary>
    public static VerifyError Forbidden(string detail) => new(20403, 403, detail);

    /// <summary>20404: no such resource for this caller (404).</summary>
    public static VerifyError NotFound(string path) => new(20404, 404, $"The requested resource {path} was not found");

    /// <summary>20409: the request conflicts with the resource's state, e.g. replaying a delivery that is not dead (409).</summary>
    public static VerifyError Conflict(string detail) => new(20409, 409, detail);

    /// <summary>
    /// 20001: a body that cannot be read as a form, e.g. JSON, bad UTF-8 or bare keys (400). Twilio has no
    /// 20400 code: it reads such a body as one without parameters and answers 20001, the code of
    /// <see cref="MissingParameter"/>, so a caller that handles 20001 handles this too.
    /// </summary>
    public static VerifyError MalformedBody(string detail) => new(20001, 400, detail);

    /// <summary>20413: request body over the size limit (413).</summary>
    public static VerifyError BodyTooLarge(long limit) => new(20413, 413, $"Request body is larger than {limit} bytes");

    /// <summary>20413 when the limit that was hit is not known, e.g. the web server's own (413).</summary>
    public static VerifyError BodyTooLarge() => new(20413, 413, "Request body too large");

    /// <summary>20004: the path exists but not with this HTTP method (405).</summary>
    public static VerifyError MethodNotAllowed() => new(20004, 405, "Method not allowed");

    /// <summary>20500: an unexpected failure; the details go to the log, never to the caller (500).</summary>
    public static VerifyError InternalError() => new(20500, 500, "Internal server error");

    /// <summary>
    /// 20000 + status: an error status the pipeline set without a body and that has no code of its own
    /// (e.g. 415 from a routing constraint), so the caller still gets the Twilio shape.
    /// </summary>
    public static VerifyError RequestFailed(int status) => new(20000 + status, status, "Request failed");

    /// <summary>20429: too many requests (429).</summary>
    public static VerifyError TooManyRequests() => new(20429, 429, "Too many requests");

    /// <summary>
    /// 20429 with a reason and a wait: Twilio's rate-limit body, answered with <c>Retry-After</c> and
    /// <c>Twilio-Reached-Rate-Limit</c> (docs/protocol/rest-api.md §1.5, the CreateVerification 429 example).
    /// </summary>
    public static VerifyError TooManyRequests(string detail, TimeSpan retryAfter) => new(20429, 429, detail) { RetryAfter = retryAfter };

    /// <summary>20503: the server cannot serve the request right now, e.g. its database is unreachable; try again (503).</summary>
    public static VerifyError ServiceUnavailable(string detail) => new(20503, 503, detail);

    /// <summary>20001: a required parameter is missing (400).</summary>
    public static VerifyError MissingParameter(string name) => new(20001, 400, $"Missing required parameter {name} in the post body");

    /// <summary>60200: a parameter has an invalid value (400).</summary>
    public static VerifyError InvalidParameter(string name, string why) => new(60200, 400, $"Invalid parameter {name}: {why}");

    /// <summary>60311: factor verification failed (403).</summary>
    public static VerifyError FactorVerificationFailed() => new(60311, 403, "Factor verification failed: the AuthPayload signature is invalid");

    /// <summary>60311 for a TOTP code: wrong, outside the skew window, or already used (403).</summary>
    public static VerifyError FactorCodeRejected() => new(60311, 403, "Factor verification failed: the code is not valid");

    /// <summary>
    /// 60310: too many wrong TOTP codes for the factor; it takes none until <paramref name="retryAfter"/>
    /// has passed (429, with <c>Retry-After</c>).
    /// </summary>
    public static VerifyError FactorLocked(TimeSpan retryAfter) =>
        new(60310, 429, "Too many verification attempts for this factor; try again later") { RetryAfter = retryAfter };

    /// <summary>60315: too many factors of one type on one entity (400).</summary>
    public static VerifyError TooManyFactors(int max, string factorType) => new(60315, 400, $"Reached the maximum of {max} {factorType} factors for this entity");

    /// <summary>60315: too many push factors on one entity (400).</summary>
    public static VerifyError TooManyFactors(int max) => new(60315, 400, $"Reached the maximum of {max} push factors for this entity");

    /// <summary>60318: the factor is not verified yet (403).</summary>
    public static VerifyError FactorNotVerified() => new(60318, 403, "The factor is not verified");

    /// <summary>60322: the challenge was already answered (403).</summary>
    public static VerifyError ChallengeAlreadyResponded() => new(60322, 403, "The challenge has already been responded to");

    /// <summary>60323: the challenge expired (403).</summary>
    public static VerifyError ChallengeExpired() => new(60323, 403, "The challenge has expired");

    /// <summary>60324: the device's approval signature does not verify (403).</summary>
    public static VerifyError ChallengeVerificationFailed(string why) => new(60324, 403, "Challenge verification failed: " + why);

    /// <summary>60360: an entity with this identity already exists in the service (409).</summary>
    public static VerifyError EntityAlreadyExists() => new(60360, 409, "An entity with this identity already exists");

    /// <summary>60364: malformed challenge SID (400).</summary>
    public static VerifyError InvalidChallengeSid() => new(60364, 400, "The challenge SID is invalid or missing");

    /// <summary>60368: challenge details invalid (400).</summary>
    public static VerifyError InvalidChallengeDetails(string why) => new(60368, 400, "Invalid challenge details: " + why);

    /// <summary>60384: an expiration date in the past (400).</summary>
    public static VerifyError InvalidChallengeTimeout(string why) => new(60384, 400, "Invalid challenge timeout: " + why);

    /// <summary>60391: no such challenge under this service and identity (404).</summary>
    public static VerifyError ChallengeNotFound() => new(60391, 404, "Challenge not found");

    /// <summary>60317: the challenge is not pending, so nothing can be re-sent (403).</summary>
    public static VerifyError ChallengeNotPending() => new(60317, 403, "Notifications can only be sent for pending challenges");

    /// <summary>
    /// 69001 (OpenVerify): the service uses number matching and the approval carries no signed
    /// <c>number_match</c>, as from a device on Twilio's SDK, which cannot send one (403). The challenge
    /// stays pending; a denial without a number is accepted. See docs/security.md.
    /// </summary>
    public static VerifyError NumberMatchRequired() => new(69001, 403,
        "Number matching is required: approve with the signed number_match the user picked (Twilio's SDKs cannot; use an OpenVerify client)");
}
