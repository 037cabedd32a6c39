using System.Security.Cryptography;
using System.Text;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Factors;
using static OpenVerify.Server.Tests.Infrastructure.FormInput;

namespace OpenVerify.Server.Tests.Factors;

/// <summary>What a factor allows, without a server.</summary>
[StorageFree]
public sealed class FactorRulesTests
{
    private const string Sid = "YF0123456789abcdef0123456789abcdef";

    [Fact]
    public void Only_a_verified_factor_can_be_challenged()
    {
        FactorRules.RequireVerified(new Factor { Status = FactorStatuses.Verified });
        Refuses(60318, 403, () => FactorRules.RequireVerified(new Factor { Status = FactorStatuses.Unverified }));
    }

    [Fact]
    public void An_enrolment_access_token_creates_push_factors_only()
    {
        FactorRules.RequireCreatable(FactorTypes.Push, byAccessToken: true);
        FactorRules.RequireCreatable(FactorTypes.Totp, byAccessToken: false);
        Refuses(20403, 403, () => FactorRules.RequireCreatable(FactorTypes.Totp, byAccessToken: true));
    }

    [Theory]
    [InlineData("none", null, null, null, "none", null)]
    [InlineData("none", null, "apn", "T", "apn", "T")]
    [InlineData("apn", "T", null, null, "apn", "T")]
    [InlineData("apn", "T", null, "U", "apn", "U")]
    [InlineData("apn", "T", "fcm", null, "fcm", "T")]
    [InlineData("apn", "T", "none", "U", "none", null)]
    public void Platform_and_token_combine_with_the_current_ones(string currentPlatform, string? currentToken, string? platform, string? token, string expectedPlatform, string? expectedToken) =>
        Assert.Equal((expectedPlatform, expectedToken), FactorRules.Notification(currentPlatform, currentToken, platform, token));

    [Fact]
    public void A_platform_needs_a_token_and_a_token_a_platform()
    {
        Assert.Contains("Config.NotificationToken", Refuses(20001, 400, () => FactorRules.Notification("none", null, "fcm", null)).Message);
        Assert.Contains("Config.NotificationPlatform", Refuses(20001, 400, () => FactorRules.Notification("none", null, null, "T")).Message);
    }

    [Fact]
    public void The_proof_is_the_factor_sid_signed_by_its_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var factor = new Factor { Sid = Sid, PublicKey = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()) };
        string Sign(string text) => Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        Assert.True(FactorRules.ProvesKey(factor, Sign(Sid)));
        FactorRules.RequireProof(factor, Sign(Sid));
        Assert.False(FactorRules.ProvesKey(factor, Sign("YF" + new string('f', 32))));
        Assert.False(FactorRules.ProvesKey(factor, "not base64!"));
        Assert.False(FactorRules.ProvesKey(new Factor { Sid = Sid, PublicKey = "AAAA" }, Sign(Sid)));
        Refuses(60311, 403, () => FactorRules.RequireProof(factor, Sign("another")));
    }
}
