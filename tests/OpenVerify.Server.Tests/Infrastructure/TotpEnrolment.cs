using OtpNet;

namespace OpenVerify.Server.Tests.Infrastructure;

/// <summary>
/// A totp factor created through the API with a secret the test chose, and codes for it computed
/// by Otp.NET: an implementation independent of the server's.
/// </summary>
public sealed record TotpEnrolment(string ServiceSid, string Identity, string FactorSid, byte[] Secret, OtpHashMode Mode, int Digits, int Period)
{
    public string EntityPath => $"/v2/Services/{ServiceSid}/Entities/{Identity}";

    public string FactorPath => $"{EntityPath}/Factors/{FactorSid}";

    /// <summary>The code of the step <paramref name="at"/> falls in.</summary>
    public string CodeAt(DateTimeOffset at) => new OtpNet.Totp(Secret, Period, Mode, Digits).ComputeTotp(at.UtcDateTime);

    /// <summary>The code <paramref name="steps"/> steps from the one <paramref name="at"/> falls in.</summary>
    public string CodeAt(DateTimeOffset at, int steps) => CodeAt(at.AddSeconds((double)steps * Period));

    /// <summary>A code of the right length that is none of the window's codes (skew up to 2).</summary>
    public string WrongCodeAt(DateTimeOffset at)
    {
        var valid = Enumerable.Range(-2, 5).Select(k => CodeAt(at, k)).ToHashSet();
        var wrong = Enumerable.Range(0, 10).Select(d => new string((char)('0' + d), Digits)).First(c => !valid.Contains(c));
        return wrong;
    }

    public static OtpHashMode ModeOf(string alg) => alg switch
    {
        "sha256" => OtpHashMode.Sha256,
        "sha512" => OtpHashMode.Sha512,
        _ => OtpHashMode.Sha1,
    };
}

public static class TotpApi
{
    /// <summary>
    /// Creates a totp factor with a random 20-byte secret sent as <c>Binding.Secret</c> (and
    /// <paramref name="config"/>), and unless told otherwise verifies it with the current code.
    /// The clock is then moved to the next step, so the verifying code's step is behind.
    /// </summary>
    public static async Task<TotpEnrolment> CreateTotpAsync(this TestApi api, string? serviceSid = null, bool verify = true, params (string Key, string Value)[] config)
    {
        serviceSid ??= await api.CreateServiceAsync("Totp service");
        var identity = TestApi.NewIdentity();
        var secret = KeyGeneration.GenerateRandomKey(20);
        var created = (await api.Account.PostAsync($"/v2/Services/{serviceSid}/Entities/{identity}/Factors",
            [("FriendlyName", "alice@example"), ("FactorType", "totp"), ("Binding.Secret", Base32Encoding.ToString(secret)), .. config])).Expect(201);
        var c = created["config"]!;
        var totp = new TotpEnrolment(serviceSid, identity, created.Str("sid")!, secret, TotpEnrolment.ModeOf(c.Str("alg")!), c.Int("code_length"), c.Int("time_step"));
        if (verify)
        {
            var verified = (await api.Account.PostAsync(totp.FactorPath, ("AuthPayload", totp.CodeAt(api.Clock.GetUtcNow())))).Expect(200);
            Assert.Equal("verified", verified.Str("status"));
            api.Clock.Advance(TimeSpan.FromSeconds(totp.Period));
        }

        return totp;
    }

    public static Task<ApiResponse> PostTotpChallengeAsync(this TestApi api, TotpEnrolment totp, string? code) =>
        code is null
            ? api.Account.PostAsync(totp.EntityPath + "/Challenges", ("FactorSid", totp.FactorSid))
            : api.Account.PostAsync(totp.EntityPath + "/Challenges", ("FactorSid", totp.FactorSid), ("AuthPayload", code));
}
