using OpenVerify.Server.Services;
using static OpenVerify.Server.Tests.Infrastructure.FormInput;

namespace OpenVerify.Server.Tests.Services;

/// <summary>The CreateService and UpdateService input records, read from forms without a server.</summary>
[StorageFree]
public sealed class ServiceFormsTests
{
    private const string Credential = "CR0123456789abcdef0123456789abcdef";

    [Fact]
    public void Create_needs_a_non_empty_name_before_anything_else()
    {
        Assert.Contains("FriendlyName", Refuses(20001, 400, () => ServiceForms.ReadCreate(Of(("CodeLength", "99")))).Message);
        Refuses(20001, 400, () => ServiceForms.ReadCreate(Of(("FriendlyName", ""))));
        Refuses(60200, 400, () => ServiceForms.ReadCreate(Of(("FriendlyName", new string('n', ServiceForms.MaxFriendlyName + 1)))));
        Assert.Equal("Acme", ServiceForms.ReadCreate(Of(("FriendlyName", "Acme"))).FriendlyName);
    }

    [Fact]
    public void Update_takes_a_name_only_when_sent_and_never_an_empty_one()
    {
        Assert.Null(ServiceForms.ReadUpdate(Of()).FriendlyName);
        Assert.Equal("Renamed", ServiceForms.ReadUpdate(Of(("FriendlyName", "Renamed"))).FriendlyName);
        Refuses(60200, 400, () => ServiceForms.ReadUpdate(Of(("FriendlyName", ""))));
    }

    [Fact]
    public void Settings_not_sent_stay_as_they_are()
    {
        var current = new ServiceSettings { CodeLength = 8, PushIncludeDate = true, TotpIssuer = "Acme", FcmCredentialSid = Credential };
        var input = ServiceForms.ReadUpdate(Of(("Push.NumberMatching", "true"), ("Push.PendingLimit", "0"), ("Totp.Skew", "2")));
        Assert.Null(input.Settings.FcmCredentialSid);
        var updated = input.Settings.Over(current);
        Assert.Equal((8, true, "Acme", Credential), (updated.CodeLength, updated.PushIncludeDate, updated.TotpIssuer, updated.FcmCredentialSid));
        Assert.Equal((true, (int?)0, (int?)2), (updated.PushNumberMatching, updated.PushPendingLimit, updated.TotpSkew));
        Assert.False(current.PushNumberMatching);
    }

    [Fact]
    public void Credential_sids_are_carried_only_when_sent()
    {
        var input = ServiceForms.ReadCreate(Of(("FriendlyName", "Acme"), ("Push.ApnCredentialSid", Credential)));
        Assert.Equal((Credential, (string?)null), (input.Settings.ApnCredentialSid, input.Settings.FcmCredentialSid));
    }

    [Theory]
    [InlineData("CodeLength", "3")]
    [InlineData("Push.IncludeDate", "yes")]
    [InlineData("Push.PendingLimit", "1001")]
    [InlineData("Push.CooldownMinutes", "0")]
    [InlineData("Push.ApnCredentialSid", "CRnope")]
    [InlineData("Totp.TimeStep", "10")]
    [InlineData("Passkeys.UserVerification", "always")]
    public void Out_of_range_settings_answer_60200(string key, string value) =>
        Assert.Contains(key, Refuses(60200, 400, () => ServiceForms.ReadCreate(Of(("FriendlyName", "Acme"), (key, value)))).Message);

    [Fact]
    public void Settings_are_checked_in_their_order()
    {
        Assert.Contains("CodeLength", Refuses(60200, 400, () => ServiceForms.ReadUpdate(Of(("Totp.Skew", "9"), ("CodeLength", "1")))).Message);
    }
}
