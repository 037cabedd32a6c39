using Microsoft.AspNetCore.Mvc;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Entities;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Console.Pages;

/// <summary>One entity: its factors (status, platform, SDK version, last seen) and its challenges, newest first.</summary>
public sealed class EntityModel(IServiceStore services, IEntityStore entities, IFactorStore factors, IChallengeStore challenges, TimeProvider clock) : ConsolePageModel
{
    private IReadOnlyDictionary<string, long> lastAnswered = new Dictionary<string, long>();
    private long now;

    /// <summary>The service.</summary>
    public Service? Service { get; private set; }

    /// <summary>The entity.</summary>
    public Entity? Entity { get; private set; }

    /// <summary>A page of its factors.</summary>
    public IReadOnlyList<Factor> Factors { get; private set; } = [];

    /// <summary>The next factor page's cursor.</summary>
    public long? NextFactorsAfter { get; private set; }

    /// <summary>A page of its challenges.</summary>
    public IReadOnlyList<Challenge> Challenges { get; private set; } = [];

    /// <summary>The challenge cursor this page started after.</summary>
    public long? After { get; private set; }

    /// <summary>The next (older) challenge page's cursor.</summary>
    public long? NextAfter { get; private set; }

    /// <summary>What the last action did.</summary>
    public string? Notice { get; private set; }

    /// <summary>GET.</summary>
    public async Task<IActionResult> OnGetAsync(string serviceSid, string identity, long? after, long? factorsAfter, string? done)
    {
        Service = await ServiceAsync(services, serviceSid);
        var ct = HttpContext.RequestAborted;
        Entity = Service is not null && IsIdentity(identity) ? await entities.FindAsync(Service.Sid, identity, ct) : null;
        if (Service is null || Entity is null)
        {
            return NotFound();
        }

        Notice = Done(done);
        now = clock.GetUtcNow().ToUnixTimeSeconds();
        var factorPage = Page(factorsAfter, newestFirst: false, size: 50);
        var factorSlice = factorPage.Slice(await factors.ListAsync(Service.Sid, identity, factorPage, ct));
        Factors = factorSlice.Items;
        NextFactorsAfter = factorSlice.HasNext ? factorSlice.Items[^1].Id : null;
        lastAnswered = await challenges.LastAnsweredAsync(Factors.Select(f => f.Sid).ToList(), ct);
        var page = Page(after, newestFirst: true);
        var slice = page.Slice(await challenges.ListAsync(Service.Sid, identity, null, null, now, page, ct));
        Challenges = slice.Items;
        After = after;
        NextAfter = slice.HasNext ? slice.Items[^1].Id : null;
        return Page();
    }

    /// <summary>The later of the factor's last answer and its last update.</summary>
    public long LastSeen(Factor factor) => lastAnswered.TryGetValue(factor.Sid, out var answered) && answered > factor.DateUpdated ? answered : factor.DateUpdated;

    /// <summary>The status as the API shows it: a pending challenge past its expiry is expired.</summary>
    public string StatusOf(Challenge challenge) => ChallengeRules.StatusAt(challenge, now);
}
