using OpenVerify.Server.Http;

namespace OpenVerify.Server.Entities;

/// <summary>The CreateEntity form (docs/protocol/rest-api.md §2.2), read into a checked input; <see cref="EntitiesApi"/> applies it.</summary>
public static class EntityForms
{
    /// <summary>What a CreateEntity request carries, checked.</summary>
    public sealed record CreateInput(string Identity);

    /// <summary>Reads a CreateEntity form: the required, well-formed <c>Identity</c>.</summary>
    public static CreateInput ReadCreate(VerifyForm form) => new(Identity.Require(form.Required("Identity"), "Identity"));
}
