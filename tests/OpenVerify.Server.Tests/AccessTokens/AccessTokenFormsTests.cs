using OpenVerify.Server.AccessTokens;
using static OpenVerify.Server.Tests.Infrastructure.FormInput;

namespace OpenVerify.Server.Tests.AccessTokens;

/// <summary>The CreateAccessToken input record, read from forms without a server.</summary>
[StorageFree]
public sealed class AccessTokenFormsTests
{
    [Fact]
    public void A_push_token_for_an_identity_with_the_default_ttl()
    {
        Assert.Equal(new AccessTokenForms.CreateInput("User_0001", "push", AccessTokenForms.DefaultTtl, null),
            AccessTokenForms.ReadCreate(Of(("Identity", "User_0001"), ("FactorType", "push"))));
        Assert.Equal(new AccessTokenForms.CreateInput("User_0001", "push", 300, "Phone"),
            AccessTokenForms.ReadCreate(Of(("Identity", "User_0001"), ("FactorType", "push"), ("Ttl", "300"), ("FactorFriendlyName", "Phone"))));
    }

    [Fact]
    public void Fields_are_checked_in_order()
    {
        Assert.Contains("Identity", Refuses(20001, 400, () => AccessTokenForms.ReadCreate(Of(("FactorType", "totp")))).Message);
        Assert.Contains("FactorType", Refuses(20001, 400, () => AccessTokenForms.ReadCreate(Of(("Identity", "User_0001"), ("Ttl", "1")))).Message);
        Assert.Contains("must be push", Refuses(60200, 400, () => AccessTokenForms.ReadCreate(Of(("Identity", "User_0001"), ("FactorType", "totp"), ("Ttl", "1")))).Message);
        Assert.Contains("Ttl", Refuses(60200, 400, () => AccessTokenForms.ReadCreate(Of(("Identity", "User_0001"), ("FactorType", "push"), ("Ttl", "59"), ("FactorFriendlyName", new string('n', 65))))).Message);
        Assert.Contains("FactorFriendlyName", Refuses(60200, 400, () => AccessTokenForms.ReadCreate(Of(("Identity", "User_0001"), ("FactorType", "push"), ("FactorFriendlyName", new string('n', 65))))).Message);
    }
}
