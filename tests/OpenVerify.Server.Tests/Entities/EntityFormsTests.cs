using OpenVerify.Server.Entities;
using static OpenVerify.Server.Tests.Infrastructure.FormInput;

namespace OpenVerify.Server.Tests.Entities;

/// <summary>The CreateEntity input record, read from forms without a server.</summary>
[StorageFree]
public sealed class EntityFormsTests
{
    [Fact]
    public void Identity_is_required_and_well_formed()
    {
        Assert.Equal("User_0001", EntityForms.ReadCreate(Of(("Identity", "User_0001"))).Identity);
        Refuses(20001, 400, () => EntityForms.ReadCreate(Of()));
        Refuses(20001, 400, () => EntityForms.ReadCreate(Of(("Identity", ""))));
        Refuses(60200, 400, () => EntityForms.ReadCreate(Of(("Identity", "short"))));
        Refuses(60200, 400, () => EntityForms.ReadCreate(Of(("Identity", "user/0001/x"))));
    }
}
