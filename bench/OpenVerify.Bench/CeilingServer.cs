using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Sids;
using OpenVerify.Protocol.Signing;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Auth;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Http;

namespace OpenVerify.Bench;

/// <summary>
/// The in-run ceiling: bare Kestrel answering the flow's requests at the same paths with the same
/// work per request as the server (form parsing, the device JWT's ES256 check and key import on
/// every device request (through the server's key cache), the AuthPayload check through <see cref="ChallengeRules.CheckApproval"/>,
/// the same JSON shapes and the signed approval response) but no database: state is in memory and
/// backend auth compares against the one account held in memory.
/// </summary>
internal static class CeilingServer
{
    // The same per-server key cache the real server injects (Auth/PublicKeys.cs).
    private static readonly PublicKeys Keys = new();

    public const string Verb = "ceiling-serve";

    private sealed record Factor(string Sid, string AccountSid, string ServiceSid, string Identity, string CredentialSid, string PublicKey)
    {
        public string Status { get; set; } = FactorStatuses.Unverified;
        public ConcurrentDictionary<string, Challenge> Challenges { get; } = new();
    }

    private sealed class State(string accountSid, string authToken)
    {
        public string AccountSid { get; } = accountSid;
        public string AuthToken { get; } = authToken;
        public ConcurrentDictionary<string, bool> Services { get; } = new();
        public ConcurrentDictionary<string, Factor> FactorsBySid { get; } = new();
        public ConcurrentDictionary<string, Factor> FactorsByCredential { get; } = new();
        public ConcurrentDictionary<string, Challenge> Challenges { get; } = new();
        public long NextId;
    }

    public static async Task<int> RunAsync(string url, string accountSid, string authToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.Services.AddOptions<OpenVerifyOptions>();
        builder.Services.AddSingleton(new State(accountSid, authToken));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.ConfigureHttpJsonOptions(o => VerifyJson.Configure(o.SerializerOptions));
        var app = builder.Build();
        app.UseMiddleware<ErrorWriter>();
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" }));
        var v2 = app.MapGroup("/v2");
        v2.MapPost("/Services", CreateService);
        var entity = v2.MapGroup("/Services/{serviceSid}/Entities/{identity}");
        entity.MapPost("/Factors", CreateFactor);
        entity.MapPost("/Factors/{sid}", VerifyFactor);
        entity.MapPost("/Challenges", CreateChallenge);
        entity.MapGet("/Challenges", ListChallenge);
        entity.MapGet("/Challenges/{sid}", FetchChallenge);
        entity.MapPost("/Challenges/{sid}", UpdateChallenge);
        await app.RunAsync();
        return 0;
    }

    private static Created<object> CreateService(HttpContext http, VerifyForm form, State state)
    {
        RequireAccount(http, state);
        var sid = Sid.New(SidPrefix.Service);
        state.Services[sid] = true;
        return TypedResults.Created(VerifyUrls.Service(VerifyUrls.Base(http), sid), (object)new { sid, account_sid = state.AccountSid, friendly_name = form.Get("FriendlyName") });
    }

    private static Created<object> CreateFactor(HttpContext http, string serviceSid, string identity, VerifyForm form, State state)
    {
        RequireAccount(http, state);
        RequireService(state, serviceSid, http);
        var publicKey = form.Get("Binding.PublicKey") ?? throw ErrorCatalogue.MissingParameter("Binding.PublicKey");
        if (!P256PublicKey.TryImport(publicKey, out var key))
        {
            throw ErrorCatalogue.InvalidParameter("Binding.PublicKey", "must be the base64 SubjectPublicKeyInfo of a P-256 key");
        }

        key.Dispose();
        var factor = new Factor(Sid.New(SidPrefix.Factor), state.AccountSid, serviceSid, identity, Sid.New(SidPrefix.Credential), publicKey);
        state.FactorsBySid[factor.Sid] = factor;
        state.FactorsByCredential[factor.CredentialSid] = factor;
        return TypedResults.Created(http.Request.Path + "/" + factor.Sid, (object)new
        {
            sid = factor.Sid, account_sid = factor.AccountSid, service_sid = serviceSid, identity, status = factor.Status,
            config = new { credential_sid = factor.CredentialSid },
        });
    }

    private static Ok<object> VerifyFactor(HttpContext http, string serviceSid, string identity, string sid, VerifyForm form, State state)
    {
        var factor = RequireDevice(http, state, TimeProvider.System);
        if (factor.Sid != sid || factor.ServiceSid != serviceSid || factor.Identity != identity)
        {
            throw ErrorCatalogue.NotFound(http.Request.Path);
        }

        var signature = Convert.FromBase64String(form.Required("AuthPayload"));
        if (!P256PublicKey.TryImport(factor.PublicKey, out var key))
        {
            throw ErrorCatalogue.FactorVerificationFailed();
        }

        using (key)
        {
            if (!Es256.VerifyDer(key, Encoding.UTF8.GetBytes(factor.Sid), signature))
            {
                throw ErrorCatalogue.FactorVerificationFailed();
            }
        }

        factor.Status = FactorStatuses.Verified;
        return TypedResults.Ok((object)new { sid = factor.Sid, status = factor.Status });
    }

    private static Created<ChallengeResource> CreateChallenge(HttpContext http, string serviceSid, string identity, VerifyForm form, State state, TimeProvider clock)
    {
        RequireAccount(http, state);
        RequireService(state, serviceSid, http);
        var factorSid = form.Sid("FactorSid", SidPrefix.Factor) ?? throw ErrorCatalogue.MissingParameter("FactorSid");
        if (!state.FactorsBySid.TryGetValue(factorSid, out var factor) || factor.ServiceSid != serviceSid || factor.Identity != identity)
        {
            throw ErrorCatalogue.NotFound(http.Request.Path);
        }

        if (factor.Status != FactorStatuses.Verified)
        {
            throw ErrorCatalogue.FactorNotVerified();
        }

        var details = ChallengeForms.ReadDetails(form);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var challenge = new Challenge
        {
            Id = Interlocked.Increment(ref state.NextId),
            Sid = Sid.New(SidPrefix.Challenge),
            AccountSid = factor.AccountSid,
            ServiceSid = factor.ServiceSid,
            EntitySid = "YE" + factor.Sid[2..],
            Identity = factor.Identity,
            FactorSid = factor.Sid,
            DateCreated = now,
            DateUpdated = now,
            ExpirationDate = now + 300,
            Message = details.Message,
            Fields = details.FieldsJson,
            HiddenDetails = details.HiddenDetailsJson,
        };
        state.Challenges[challenge.Sid] = challenge;
        factor.Challenges[challenge.Sid] = challenge;
        var resource = ChallengeResource.From(challenge, now, VerifyUrls.Base(http));
        return TypedResults.Created(resource.Url, resource);
    }

    private static Ok<Dictionary<string, object?>> ListChallenge(HttpContext http, string serviceSid, string identity, VerifyForm query, State state, TimeProvider clock)
    {
        var factor = RequireDevice(http, state, clock);
        if (factor.ServiceSid != serviceSid || factor.Identity != identity || (query.Sid("FactorSid", SidPrefix.Factor) ?? factor.Sid) != factor.Sid)
        {
            throw ErrorCatalogue.NotFound(http.Request.Path);
        }

        var status = query.OneOf("Status", ChallengeStatuses.Pending, ChallengeStatuses.Expired, ChallengeStatuses.Approved, ChallengeStatuses.Denied);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var page = PageRequest.From(query);
        var pageQuery = page.ToQuery();
        var rows = factor.Challenges.Values
            .Where(c => status is null || ChallengeRules.StatusAt(c, now) == status)
            .OrderBy(c => c.Id)
            .Take(pageQuery.Limit)
            .ToList();
        var root = VerifyUrls.Base(http);
        return TypedResults.Ok(ListEnvelope.Build("challenges", ListEnvelope.CollectionUrl(http), page, pageQuery.Slice(rows), c => c.Id, c => ChallengeResource.From(c, now, root)));
    }

    private static Ok<ChallengeResource> FetchChallenge(HttpContext http, string serviceSid, string identity, string sid, State state, TimeProvider clock)
    {
        var challenge = Find(http, serviceSid, identity, sid, state, clock);
        var resource = ChallengeResource.From(challenge, clock.GetUtcNow().ToUnixTimeSeconds(), VerifyUrls.Base(http));
        if (resource.Status == ChallengeStatuses.Pending)
        {
            http.Response.Headers[VerifyHeaders.SignatureFields] = ChallengeRules.SignatureFields;
        }

        return TypedResults.Ok(resource);
    }

    private static IResult UpdateChallenge(HttpContext http, string serviceSid, string identity, string sid, VerifyForm form, State state, TimeProvider clock)
    {
        var challenge = Find(http, serviceSid, identity, sid, state, clock);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        ChallengeRules.RequirePending(challenge, now);
        var authPayload = form.Text("AuthPayload", CompactJws.MaxLength) ?? throw ErrorCatalogue.MissingParameter("AuthPayload");
        var root = VerifyUrls.Base(http);
        var factor = state.FactorsBySid[challenge.FactorSid];
        var status = ChallengeRules.CheckApproval(authPayload, factor.PublicKey, ChallengeResource.From(challenge, now, root), Keys);
        lock (challenge)
        {
            ChallengeRules.RequirePending(challenge, now);
            challenge.Status = status;
            challenge.DateResponded = now;
            challenge.DateUpdated = now;
        }

        return SignedJson.Ok(http, ChallengeResource.From(challenge, now, root), VerifyHeaders.ChallengeSignature, state.AuthToken);
    }

    private static Challenge Find(HttpContext http, string serviceSid, string identity, string sid, State state, TimeProvider clock)
    {
        var device = IsDevice(http) ? RequireDevice(http, state, clock) : null;
        if (device is null)
        {
            RequireAccount(http, state);
        }

        RequireService(state, serviceSid, http);
        if (!Sid.IsValid(sid, SidPrefix.Challenge))
        {
            throw ErrorCatalogue.InvalidChallengeSid();
        }

        return state.Challenges.TryGetValue(sid, out var challenge) && challenge.ServiceSid == serviceSid && challenge.Identity == identity
            && (device is null || device.Sid == challenge.FactorSid)
            ? challenge
            : throw ErrorCatalogue.ChallengeNotFound();
    }

    private static void RequireService(State state, string serviceSid, HttpContext http)
    {
        if (!state.Services.ContainsKey(serviceSid))
        {
            throw ErrorCatalogue.NotFound(http.Request.Path);
        }
    }

    private static bool IsDevice(HttpContext http) => ReadBasic(http).User == DeviceJwt.BasicUser;

    private static void RequireAccount(HttpContext http, State state)
    {
        var (user, secret) = ReadBasic(http);
        if (user != state.AccountSid || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(state.AuthToken), Encoding.UTF8.GetBytes(secret)))
        {
            throw ErrorCatalogue.Unauthorized();
        }
    }

    /// <summary>The server's device-JWT check (Auth/Authenticator.cs) with the factor looked up in memory.</summary>
    private static Factor RequireDevice(HttpContext http, State state, TimeProvider clock)
    {
        var (user, jwt) = ReadBasic(http);
        if (user != DeviceJwt.BasicUser || !CompactJws.TryParse(jwt, out var jws))
        {
            throw ErrorCatalogue.Unauthorized("Invalid device token");
        }

        using (jws)
        {
            var kid = jws.HeaderString("kid");
            if (kid is null || jws.HeaderString("alg") != "ES256" || !state.FactorsByCredential.TryGetValue(kid, out var factor)
                || !Keys.TryRent(factor.PublicKey, out var key))
            {
                throw ErrorCatalogue.Unauthorized("Invalid device token");
            }

            using (key)
            {
                var payload = jws.Payload.RootElement;
                var now = clock.GetUtcNow().ToUnixTimeSeconds();
                if (!jws.VerifyEs256(key.Key)
                    || !payload.TryGetProperty("sub", out var sub) || sub.ValueKind != JsonValueKind.String || sub.GetString() != factor.AccountSid
                    || !payload.TryGetProperty("exp", out var exp) || !exp.TryGetInt64(out var expires) || expires <= now - 60
                    || !payload.TryGetProperty("nbf", out var nbf) || !nbf.TryGetInt64(out var notBefore) || notBefore > now + 60)
                {
                    throw ErrorCatalogue.Unauthorized("Invalid device token");
                }
            }

            return factor;
        }
    }

    private static (string User, string Secret) ReadBasic(HttpContext http)
    {
        var header = http.Request.Headers[HeaderNames.Authorization].ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            throw ErrorCatalogue.Unauthorized();
        }

        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        var colon = decoded.IndexOf(':');
        return colon <= 0 ? throw ErrorCatalogue.Unauthorized() : (decoded[..colon], decoded[(colon + 1)..]);
    }
}
