using OpenVerify.Server.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Auth;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Credentials;

/// <summary>
/// <c>/v1/Credentials</c>: CreateCredential, ListCredential, FetchCredential, UpdateCredential,
/// DeleteCredential. Account credentials only; key material goes in and never comes out.
/// </summary>
public static class CredentialsApi
{
    /// <summary>Maps the Credential operations.</summary>
    public static void MapCredentialsApi(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/Credentials");
        group.MapPost("", CreateCredential);
        group.MapGet("", ListCredential);
        group.MapGet("/{sid}", FetchCredential);
        group.MapPost("/{sid}", UpdateCredential);
        group.MapDelete("/{sid}", DeleteCredential);
    }

    /// <summary>POST /v1/Credentials.</summary>
    public static async Task<Created<CredentialResource>> CreateCredential(Caller caller, VerifyForm form, ICredentialStore credentials, SecretBox box, TimeProvider clock, HttpContext http)
    {
        var accountSid = Access.RequireAccount(caller);
        var input = CredentialForms.ReadCreate(form);
        var credential = await CreateAsync(accountSid, input, credentials, box, clock, http.RequestAborted);
        var resource = CredentialResource.From(credential, VerifyUrls.Base(http));
        return TypedResults.Created(resource.Url, resource);
    }

    /// <summary>Stores a checked credential (the API and <c>openverify credentials create</c>).</summary>
    public static async Task<PushCredential> CreateAsync(string accountSid, CredentialForms.Input input, ICredentialStore credentials, SecretBox box, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var credential = new PushCredential
        {
            Sid = Sid.New(SidPrefix.Credential),
            AccountSid = accountSid,
            FriendlyName = input.FriendlyName ?? "",
            Type = input.Type,
            Sandbox = input.Sandbox,
            DateCreated = now,
            DateUpdated = now,
        };
        credential.SealSecret(box, input.Secret);
        await credentials.AddAsync(credential, cancellationToken);
        return credential;
    }

    /// <summary>GET /v1/Credentials.</summary>
    public static async Task<Ok<Dictionary<string, object?>>> ListCredential(Caller caller, VerifyForm query, ICredentialStore credentials, HttpContext http)
    {
        var accountSid = Access.RequireAccount(caller);
        var page = PageRequest.From(query);
        var pageQuery = page.ToQuery();
        var rows = await credentials.ListAsync(accountSid, pageQuery, http.RequestAborted);
        var root = VerifyUrls.Base(http);
        return TypedResults.Ok(ListEnvelope.Build("credentials", ListEnvelope.CollectionUrl(http), page, pageQuery.Slice(rows), c => c.Id, c => CredentialResource.From(c, root)));
    }

    /// <summary>GET /v1/Credentials/{sid}.</summary>
    public static async Task<Ok<CredentialResource>> FetchCredential(Caller caller, string sid, ICredentialStore credentials, HttpContext http)
    {
        var credential = await FindAsync(caller, sid, credentials, http);
        return TypedResults.Ok(CredentialResource.From(credential, VerifyUrls.Base(http)));
    }

    /// <summary>POST /v1/Credentials/{sid}: changes only what is sent; new key material is checked like on create.</summary>
    public static async Task<Ok<CredentialResource>> UpdateCredential(Caller caller, string sid, VerifyForm form, ICredentialStore credentials, SecretBox box, TimeProvider clock, HttpContext http)
    {
        var credential = await FindAsync(caller, sid, credentials, http);
        var input = CredentialForms.ReadUpdate(form);
        credential.FriendlyName = input.FriendlyName ?? credential.FriendlyName;
        credential.Sandbox = input.Sandbox ?? credential.Sandbox;
        if (input.ChangesSecret)
        {
            var secret = input.SecretOver(credential.OpenSecret(box), credential.Type);
            CredentialForms.Check(new CredentialForms.Input(credential.Type, credential.FriendlyName, credential.Sandbox, secret));
            credential.SealSecret(box, secret);
        }

        // Senders cache tokens and connections per (SID, date_updated): every update must move it.
        credential.DateUpdated = Math.Max(clock.GetUtcNow().ToUnixTimeSeconds(), credential.DateUpdated + 1);
        await credentials.UpdateAsync(credential, http.RequestAborted);
        return TypedResults.Ok(CredentialResource.From(credential, VerifyUrls.Base(http)));
    }

    /// <summary>DELETE /v1/Credentials/{sid}. Services that still name it dead-letter their pushes with a clear reason.</summary>
    public static async Task<NoContent> DeleteCredential(Caller caller, string sid, ICredentialStore credentials, HttpContext http)
    {
        var accountSid = Access.RequireAccount(caller);
        if (!Sid.IsValid(sid, SidPrefix.Credential) || !await credentials.DeleteAsync(accountSid, sid, http.RequestAborted))
        {
            throw ErrorCatalogue.NotFound(http.Request.Path);
        }

        return TypedResults.NoContent();
    }

    private static async Task<PushCredential> FindAsync(Caller caller, string sid, ICredentialStore credentials, HttpContext http)
    {
        var accountSid = Access.RequireAccount(caller);
        return Sid.IsValid(sid, SidPrefix.Credential)
            ? await credentials.FindAsync(accountSid, sid, http.RequestAborted) ?? throw ErrorCatalogue.NotFound(http.Request.Path)
            : throw ErrorCatalogue.NotFound(http.Request.Path);
    }
}
