using OpenVerify.Server.Credentials;
using static OpenVerify.Server.Tests.Infrastructure.FormInput;

namespace OpenVerify.Server.Tests.Credentials;

/// <summary>The UpdateCredential input record, read from forms without a server.</summary>
[StorageFree]
public sealed class CredentialFormsTests
{
    private static readonly PushSecret Certificate = new(Certificate: "CERT", PrivateKey: "KEY");
    private static readonly PushSecret Token = new(Secret: "P8", KeyId: "K1", TeamId: "T1");

    [Fact]
    public void An_update_carries_only_what_was_sent()
    {
        var nothing = CredentialForms.ReadUpdate(Of());
        Assert.Equal(new CredentialForms.UpdateInput(null, null, new PushSecret()), nothing);
        Assert.False(nothing.ChangesSecret);
        Assert.Equal("", CredentialForms.ReadUpdate(Of(("FriendlyName", ""))).FriendlyName);
        Assert.False(CredentialForms.ReadUpdate(Of(("Sandbox", "false"))).Sandbox);
        Assert.True(CredentialForms.ReadUpdate(Of(("KeyId", "K2"))).ChangesSecret);
    }

    [Fact]
    public void Bad_values_answer_60200_in_order()
    {
        Assert.Contains("FriendlyName", Refuses(60200, 400, () => CredentialForms.ReadUpdate(Of(("FriendlyName", new string('n', CredentialForms.MaxFriendlyName + 1)), ("Sandbox", "maybe")))).Message);
        Assert.Contains("Sandbox", Refuses(60200, 400, () => CredentialForms.ReadUpdate(Of(("Sandbox", "maybe"), ("KeyId", new string('k', 65))))).Message);
        Assert.Contains("KeyId", Refuses(60200, 400, () => CredentialForms.ReadUpdate(Of(("KeyId", new string('k', 65))))).Message);
    }

    [Fact]
    public void Material_sent_replaces_only_its_own_members()
    {
        var input = CredentialForms.ReadUpdate(Of(("KeyId", "K2")));
        Assert.Equal(Token with { KeyId = "K2" }, input.SecretOver(Token, PushCredentialTypes.Apn));
    }

    [Fact]
    public void A_p8_sent_to_an_apn_certificate_credential_switches_it_to_token_authentication()
    {
        var input = CredentialForms.ReadUpdate(Of(("Secret", "P8"), ("KeyId", "K1"), ("TeamId", "T1")));
        Assert.Equal(Token, input.SecretOver(Certificate, PushCredentialTypes.Apn));
        Assert.Equal(Certificate with { Secret = "P8", KeyId = "K1", TeamId = "T1" }, input.SecretOver(Certificate, PushCredentialTypes.Fcm));
        var withCertificate = CredentialForms.ReadUpdate(Of(("Secret", "P8"), ("Certificate", "CERT2")));
        Assert.Equal(new PushSecret("P8", null, null, "CERT2", "KEY"), withCertificate.SecretOver(Certificate, PushCredentialTypes.Apn));
    }
}
