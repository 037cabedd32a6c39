namespace OpenVerify.Client;

/// <summary>Paths of the device API, relative to the base URL (docs/protocol/device.md §1.4).</summary>
internal static class ApiPaths
{
    public static string Factors(string serviceSid, string identity) =>
        $"Services/{Segment(serviceSid, "service SID")}/Entities/{Segment(identity, "identity")}/Factors";

    public static string Factor(Factor factor) => Factors(factor.ServiceSid, factor.Identity) + "/" + Segment(factor.Sid, "factor SID");

    public static string Challenges(Factor factor) =>
        $"Services/{Segment(factor.ServiceSid, "service SID")}/Entities/{Segment(factor.Identity, "identity")}/Challenges";

    public static string ChallengeEvents(Factor factor) => Challenges(factor) + "/Events";

    public static string Challenge(Factor factor, string challengeSid) => Challenges(factor) + "/" + Segment(challengeSid, "challenge SID");

    // Note: the SDK concatenates path values without escaping them (docs/protocol/device.md §1.1). Refusing values that would
    // change the URL's shape keeps the wire identical for every value that works with the SDK.
    private static string Segment(string value, string what)
    {
        if (string.IsNullOrEmpty(value) || value.Any(c => c is '/' or '?' or '#' or '%' or '\\' || char.IsWhiteSpace(c) || char.IsControl(c)) || value is "." or "..")
        {
            throw VerifyClientException.Input(InputErrorReason.InvalidInput, $"The {what} '{value}' is empty or not URL-safe");
        }

        return value;
    }
}
