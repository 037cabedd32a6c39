using OpenVerify.Server.Factors;
using OpenVerify.Server.Factors.Totp;
using OpenVerify.Server.Services;
using static OpenVerify.Server.Tests.Infrastructure.FormInput;

namespace OpenVerify.Server.Tests.Factors.Totp;

/// <summary>The totp input records of CreateNewFactor and UpdateFactor, read from forms without a server.</summary>
[StorageFree]
public sealed class TotpFormsTests
{
    [Fact]
    public void A_new_factor_takes_each_config_sent_else_the_services_else_the_defaults()
    {
        var nothing = TotpForms.ReadCreate(Of());
        Assert.Equal(new TotpConfig(TotpAlgorithms.Sha1, 1, 6, 30), nothing.ConfigWith(new ServiceSettings()));
        var service = new ServiceSettings { TotpSkew = 0, TotpCodeLength = 8, TotpTimeStep = 60 };
        Assert.Equal(new TotpConfig(TotpAlgorithms.Sha1, 0, 8, 60), nothing.ConfigWith(service));
        var sent = TotpForms.ReadCreate(Of(("Config.Alg", "sha256"), ("Config.Skew", "2"), ("Config.CodeLength", "7"), ("Config.TimeStep", "20")));
        Assert.Equal(new TotpConfig(TotpAlgorithms.Sha256, 2, 7, 20), sent.ConfigWith(service));
    }

    [Theory]
    [InlineData("Config.Alg", "md5")]
    [InlineData("Config.Skew", "3")]
    [InlineData("Config.CodeLength", "2")]
    [InlineData("Config.TimeStep", "61")]
    [InlineData("Binding.Secret", "not base32!")]
    [InlineData("Binding.Secret", "GEZDGNBV")]
    public void Out_of_range_parameters_answer_60200(string key, string value) =>
        Assert.Contains(key, Refuses(60200, 400, () => TotpForms.ReadCreate(Of((key, value)))).Message);

    [Fact]
    public void A_sent_secret_is_normalised_and_a_missing_one_generated()
    {
        Assert.Equal("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", TotpForms.ReadCreate(Of(("Binding.Secret", "gezdgnbvgy3tqojqgezdgnbvgy3tqojq"))).SecretOrNew());
        var generated = TotpForms.ReadCreate(Of()).SecretOrNew();
        Assert.Equal(TotpForms.GeneratedSecretBytes, Base32.TryDecode(generated)!.Length);
        Assert.NotEqual(generated, TotpForms.ReadCreate(Of()).SecretOrNew());
    }

    [Fact]
    public void An_update_reads_the_code_name_and_config_sent()
    {
        Assert.Equal(new TotpForms.UpdateInput(null, null, null, null, null, null), TotpForms.ReadUpdate(Of()));
        Assert.Equal(new TotpForms.UpdateInput("123456", "Work", "sha512", 0, 8, 60),
            TotpForms.ReadUpdate(Of(("AuthPayload", "123456"), ("FriendlyName", "Work"), ("Config.Alg", "sha512"), ("Config.Skew", "0"), ("Config.CodeLength", "8"), ("Config.TimeStep", "60"))));
        Refuses(60200, 400, () => TotpForms.ReadUpdate(Of(("AuthPayload", "1"), ("FriendlyName", ""))));
        Assert.Contains("FriendlyName", Refuses(60200, 400, () => TotpForms.ReadUpdate(Of(("FriendlyName", ""), ("Config.Skew", "9")))).Message);
    }

    [Fact]
    public void An_update_change_sets_only_the_config_sent_over_the_current_one()
    {
        var current = new Factor { TotpAlg = TotpAlgorithms.Sha1, TotpSkew = 1, TotpCodeLength = 6, TotpTimeStep = 30 };
        Assert.Equal(new TotpFactorChange(null, null), new TotpForms.UpdateInput("123456", null, null, null, null, null).ChangeOf(current));
        Assert.Equal(new TotpFactorChange("Work", new TotpConfig(TotpAlgorithms.Sha1, 1, 8, 30)), new TotpForms.UpdateInput(null, "Work", null, null, 8, null).ChangeOf(current));
    }
}
