using Microsoft.AspNetCore.Mvc;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Entities;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Console.Pages;

/// <summary>A service's entities, newest first, a page at a time; or straight to one identity.</summary>
public sealed class EntitiesModel(IServiceStore services, IEntityStore entities, IChallengeStore challenges) : ConsolePageModel
{
    /// <summary>The service.</summary>
    public Services.Service? Service { get; private set; }

    /// <summary>This page.</summary>
    public IReadOnlyList<Entity> Entities { get; private set; } = [];

    /// <summary>The identity asked for that does not exist.</summary>
    public string? Wanted { get; private set; }

    /// <summary>The challenge SID asked for that does not exist here.</summary>
    public string? WantedChallenge { get; private set; }

    /// <summary>The cursor this page started after.</summary>
    public long? After { get; private set; }

    /// <summary>The next page's cursor.</summary>
    public long? NextAfter { get; private set; }

    /// <summary>GET.</summary>
    public async Task<IActionResult> OnGetAsync(string serviceSid, long? after, string? identity, string? challenge)
    {
        Service = await ServiceAsync(services, serviceSid);
        if (Service is null)
        {
            return NotFound();
        }

        var ct = HttpContext.RequestAborted;
        if (!string.IsNullOrWhiteSpace(identity))
        {
            var wanted = identity.Trim();
            if (IsIdentity(wanted) && await entities.FindAsync(Service.Sid, wanted, ct) is not null)
            {
                return Redirect(EntityPath(Service.Sid, wanted));
            }

            Wanted = wanted;
        }

        if (!string.IsNullOrWhiteSpace(challenge))
        {
            var wanted = challenge.Trim();
            if (Sid.IsValid(wanted, SidPrefix.Challenge) && await challenges.FindInServiceAsync(Service.Sid, wanted, ct) is { } found)
            {
                return Redirect(ChallengePath(Service.Sid, found.Identity, found.Sid));
            }

            WantedChallenge = wanted;
        }

        var page = Page(after, newestFirst: true);
        var slice = page.Slice(await entities.ListAsync(Service.Sid, page, ct));
        Entities = slice.Items;
        After = after;
        NextAfter = slice.HasNext ? slice.Items[^1].Id : null;
        return Page();
    }
}
