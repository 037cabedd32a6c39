using System.Security.Cryptography;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Factors;
using static OpenVerify.Server.Tests.Infrastructure.FormInput;

namespace OpenVerify.Server.Tests.Factors;

/// <summary>The CreateNewFactor and UpdateFactor input records of push factors, read from forms without a server.</summary>
[StorageFree]
public sealed class FactorFormsTests
{
    private static readonly string PublicKey = Convert.ToBase64String(ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportSubjectPublicKeyInfo());
    private static readonly string Token = new('t', 64);

    private static (string, string)[] Push(params (string, string)[] extra) =>
    [
        ("FriendlyName", "Phone"), ("FactorType", "push"), ("Binding.Alg", "ES256"), ("Binding.PublicKey", PublicKey),
        ("Config.SdkVersion", "1.0.0"), ("Config.AppId", "com.example"), .. extra,
    ];

    private static FactorForms.CreateInput Create(params (string, string)[] pairs) => FactorForms.ReadCreate(Of(pairs));

    [Fact]
    public void A_push_factor_reads_its_binding_config_and_metadata()
    {
        var input = Create(Push(("Config.NotificationPlatform", "fcm"), ("Config.NotificationToken", Token), ("Metadata", """{"os":"Android"}""")));
        Assert.Equal(("Phone", FactorTypes.Push), (input.FriendlyName, input.FactorType));
        Assert.Equal(new FactorForms.PushBinding(PublicKey, "1.0.0", "com.example", NotificationPlatforms.Fcm, Token), input.Push);
        Assert.Equal("""{"os":"Android"}""", input.MetadataJson);
    }

    [Fact]
    public void A_push_factor_without_a_platform_polls()
    {
        var push = Create(Push()).Push!;
        Assert.Equal((NotificationPlatforms.None, (string?)null), (push.NotificationPlatform, push.NotificationToken));
        Assert.Null(Create(Push()).MetadataJson);
        Assert.Null(Create(Push(("Config.NotificationPlatform", "none"), ("Config.NotificationToken", Token))).Push!.NotificationToken);
    }

    [Fact]
    public void An_empty_app_id_is_accepted_as_iOS_sends_it()
    {
        Assert.Equal("", Create([.. Push().Where(p => p.Item1 != "Config.AppId"), ("Config.AppId", "")]).Push!.AppId);
    }

    [Fact]
    public void A_totp_factor_reads_name_type_and_metadata_only()
    {
        var input = Create(("FriendlyName", "Authenticator"), ("FactorType", "totp"), ("Binding.PublicKey", "not read"), ("Metadata", """{"a":"b"}"""));
        Assert.Equal(("Authenticator", FactorTypes.Totp, (FactorForms.PushBinding?)null), (input.FriendlyName, input.FactorType, input.Push));
        Assert.Equal("""{"a":"b"}""", input.MetadataJson);
    }

    [Fact]
    public void Name_then_type_are_required_first()
    {
        Assert.Contains("FriendlyName", Refuses(20001, 400, () => Create()).Message);
        Assert.Contains("FactorType", Refuses(20001, 400, () => Create(("FriendlyName", "Phone"))).Message);
        Refuses(60200, 400, () => Create(("FriendlyName", ""), ("FactorType", "push")));
        Refuses(60200, 400, () => Create(("FriendlyName", new string('n', FactorForms.MaxFriendlyName + 1)), ("FactorType", "push")));
    }

    [Theory]
    [InlineData("passkeys", "not supported by this server")]
    [InlineData("sms", "must be push or totp")]
    public void Other_factor_types_answer_60200(string type, string why) =>
        Assert.Contains(why, Refuses(60200, 400, () => Create(("FriendlyName", "Phone"), ("FactorType", type))).Message);

    [Fact]
    public void The_binding_and_config_are_checked_in_order()
    {
        Assert.Contains("Binding.Alg", Refuses(60200, 400, () => Create(("FriendlyName", "Phone"), ("FactorType", "push"), ("Binding.Alg", "RS256"), ("Binding.PublicKey", "AAAA"))).Message);
        Assert.Contains("Binding.PublicKey", Refuses(20001, 400, () => Create(("FriendlyName", "Phone"), ("FactorType", "push"))).Message);
        Assert.Contains("Binding.PublicKey", Refuses(60200, 400, () => Create(("FriendlyName", "Phone"), ("FactorType", "push"), ("Binding.PublicKey", "AAAA"))).Message);
        Assert.Contains("Config.SdkVersion", Refuses(20001, 400, () => Create(("FriendlyName", "Phone"), ("FactorType", "push"), ("Binding.PublicKey", PublicKey), ("Config.AppId", "a"))).Message);
        Assert.Contains("Config.AppId", Refuses(20001, 400, () => Create(("FriendlyName", "Phone"), ("FactorType", "push"), ("Binding.PublicKey", PublicKey), ("Config.SdkVersion", "1"))).Message);
    }

    [Fact]
    public void Platform_and_token_go_together_before_metadata_is_read()
    {
        Assert.Contains("Config.NotificationToken", Refuses(20001, 400, () => Create(Push(("Config.NotificationPlatform", "apn"), ("Metadata", "[]")))).Message);
        Assert.Contains("Config.NotificationPlatform", Refuses(20001, 400, () => Create(Push(("Config.NotificationToken", Token), ("Metadata", "[]")))).Message);
        Refuses(60200, 400, () => Create(Push(("Config.NotificationPlatform", "gcm"))));
        Refuses(60200, 400, () => Create(Push(("Config.NotificationPlatform", "fcm"), ("Config.NotificationToken", "short"))));
        Refuses(60200, 400, () => Create(Push(("Metadata", "[]"))));
    }

    [Fact]
    public void An_update_carries_only_what_was_sent()
    {
        Assert.Equal(new FactorForms.UpdateInput(null, null, null, null, null), FactorForms.ReadUpdate(Of()));
        Assert.Equal(new FactorForms.UpdateInput("New", "2.0", "", "apn", Token),
            FactorForms.ReadUpdate(Of(("FriendlyName", "New"), ("Config.SdkVersion", "2.0"), ("Config.AppId", ""), ("Config.NotificationPlatform", "apn"), ("Config.NotificationToken", Token))));
        Refuses(60200, 400, () => FactorForms.ReadUpdate(Of(("FriendlyName", ""))));
        Refuses(60200, 400, () => FactorForms.ReadUpdate(Of(("Config.SdkVersion", ""))));
    }

    [Fact]
    public void The_proof_is_AuthPayload_as_sent()
    {
        Assert.Equal("c2ln", FactorForms.ReadProof(Of(("AuthPayload", "c2ln"))));
        Assert.Null(FactorForms.ReadProof(Of()));
    }

    [Fact]
    public void An_update_change_keeps_the_current_platform_and_token_where_not_sent()
    {
        var current = new Factor { NotificationPlatform = NotificationPlatforms.Apn, NotificationToken = Token };
        var newToken = new string('u', 40);
        Assert.True(new FactorForms.UpdateInput(null, null, null, null, null).ChangeOf(current, verify: false).IsEmpty);
        Assert.Equal((NotificationPlatforms.Apn, newToken), new FactorForms.UpdateInput(null, null, null, null, newToken).ChangeOf(current, false).Push);
        Assert.Equal((NotificationPlatforms.Fcm, Token), new FactorForms.UpdateInput(null, null, null, NotificationPlatforms.Fcm, null).ChangeOf(current, false).Push);
        Assert.Equal((NotificationPlatforms.None, (string?)null), new FactorForms.UpdateInput(null, null, null, NotificationPlatforms.None, null).ChangeOf(current, false).Push);
        var change = new FactorForms.UpdateInput("New", "2.0", "app", null, null).ChangeOf(current, verify: true);
        Assert.Equal(new FactorChange("New", "2.0", "app", null, true), change);
    }

    [Fact]
    public void A_token_alone_for_a_polling_factor_answers_20001()
    {
        var polling = new Factor { NotificationPlatform = NotificationPlatforms.None };
        Assert.Contains("Config.NotificationPlatform", Refuses(20001, 400, () => new FactorForms.UpdateInput(null, null, null, null, Token).ChangeOf(polling, false)).Message);
    }
}
