using Microsoft.AspNetCore.Mvc;
using OpenVerify.Server.Delivery.Push;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Console.Pages;

/// <summary>A service's push attempts, newest first, a page at a time, each linking to its challenge's page (found by SID, <see cref="ChallengeBySidModel"/>).</summary>
public sealed class PushLogModel(IServiceStore services, IPushLog pushLog) : ConsolePageModel
{
    /// <summary>The service.</summary>
    public Service? Service { get; private set; }

    /// <summary>This page.</summary>
    public IReadOnlyList<PushAttempt> Attempts { get; private set; } = [];

    /// <summary>The cursor this page started before.</summary>
    public long? Before { get; private set; }

    /// <summary>The next (older) page's cursor.</summary>
    public long? NextBefore { get; private set; }

    /// <summary>GET.</summary>
    public async Task<IActionResult> OnGetAsync(string serviceSid, long? before)
    {
        Service = await ServiceAsync(services, serviceSid);
        if (Service is null)
        {
            return NotFound();
        }

        var ct = HttpContext.RequestAborted;
        var rows = await pushLog.ListForServiceAsync(Service.Sid, before, PageSize + 1, ct);
        Attempts = rows.Take(PageSize).ToList();
        Before = before;
        NextBefore = rows.Count > PageSize ? Attempts[^1].Id : null;
        return Page();
    }
}
