using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Entities;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.AccessTokens;

/// <summary>The CreateAccessToken form (docs/protocol/rest-api.md §2.8), read into a checked input; <see cref="AccessTokensApi"/> applies it.</summary>
public static class AccessTokenForms
{
    /// <summary>Default TTL (seconds).</summary>
    public const int DefaultTtl = 60;

    /// <summary>Longest <c>FactorFriendlyName</c>.</summary>
    public const int MaxFactorFriendlyName = 64;

    /// <summary>What a CreateAccessToken request carries, checked.</summary>
    public sealed record CreateInput(string Identity, string FactorType, int Ttl, string? FactorFriendlyName);

    /// <summary>
    /// Reads a CreateAccessToken form, in this order: <c>Identity</c>, <c>FactorType</c> (push only: an
    /// enrolment token is for a device), <c>Ttl</c> (60–300 s), <c>FactorFriendlyName</c>.
    /// </summary>
    public static CreateInput ReadCreate(VerifyForm form)
    {
        var identity = Identity.Require(form.Required("Identity"), "Identity");
        var factorType = form.Get("FactorType") ?? throw ErrorCatalogue.MissingParameter("FactorType");
        if (factorType != FactorTypes.Push)
        {
            throw ErrorCatalogue.InvalidParameter("FactorType", "must be push");
        }

        var ttl = form.Int("Ttl", 60, 300) ?? DefaultTtl;
        return new CreateInput(identity, factorType, ttl, form.Text("FactorFriendlyName", MaxFactorFriendlyName));
    }
}
